// node sio-transports.mjs <url> <polling|websocket|upgrade>
// Connects with the given transports, checks an ack round trip and which transport carries it.
import { watchdog, options, connect, next, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode] = process.argv.slice(2);
const socket = await connect(url, options(mode));
check("connected", typeof socket.id === "string" && socket.id.length > 0, socket.id);

if (mode === "upgrade" && socket.io.engine.transport.name !== "websocket") {
  await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
}
const engineTransport = socket.io.engine.transport.name;
const expected = mode === "polling" ? "polling" : "websocket";
check("client transport " + expected, engineTransport === expected, engineTransport);

const serverTransport = await socket.timeout(5000).emitWithAck("transport");
check("server transport " + expected, serverTransport === expected, serverTransport);

const reply = await ackAll(socket, "echo", "hello", 42, 1.5, true, null, { nested: { list: [1, "two"] } });
check("echo ack", JSON.stringify(reply) === JSON.stringify(["hello", 42, 1.5, true, null, { nested: { list: [1, "two"] } }]), reply);

socket.disconnect();
console.log("DONE " + mode);
process.exit(0);
