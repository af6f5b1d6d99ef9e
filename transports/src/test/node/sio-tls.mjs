// node sio-tls.mjs <https-url> <polling|websocket|upgrade> [ca.pem]
// The official client over https/wss: trusts ca.pem when given, else skips certificate checks
// (rejectUnauthorized: false). Checks the transport each side sees and an ack round trip.
import { readFileSync } from "node:fs";
import { watchdog, options, connect, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode, caFile] = process.argv.slice(2);
const tls = caFile ? { ca: readFileSync(caFile) } : { rejectUnauthorized: false };
const socket = await connect(url, options(mode, tls));
check("connected", typeof socket.id === "string" && socket.id.length > 0, socket.id);

if (mode === "upgrade" && socket.io.engine.transport.name !== "websocket") {
  await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
}
const expected = mode === "polling" ? "polling" : "websocket";
check("client transport " + expected, socket.io.engine.transport.name === expected, socket.io.engine.transport.name);
check("secure", socket.io.engine.secure === true, socket.io.engine.secure);

const serverTransport = await socket.timeout(5000).emitWithAck("transport");
check("server transport " + expected, serverTransport === expected, serverTransport);

const reply = await ackAll(socket, "echo", "hello", 42, { nested: [1, "two"] });
check("echo ack", JSON.stringify(reply) === JSON.stringify(["hello", 42, { nested: [1, "two"] }]), reply);

socket.disconnect();
console.log("DONE " + mode);
process.exit(0);
