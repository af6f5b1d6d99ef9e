// node sio-acks.mjs <url> <mode>
// Acknowledgements both ways, and both sides' timeouts.
import { watchdog, options, connect, next, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode] = process.argv.slice(2);
const socket = await connect(url, options(mode));

// client -> server, acknowledged
const reply = await ackAll(socket, "echo", "ping", 1);
check("client-to-server ack", JSON.stringify(reply) === '["ping",1]', reply);

// client -> server, never acknowledged: the client's timeout fires
try {
  await socket.timeout(300).emitWithAck("no-ack");
  check("client-side timeout", false, "got an ack");
} catch (err) {
  check("client-side timeout", /timed out/.test(err.message), err.message);
}

// server -> client, acknowledged by the client
socket.on("question", (value, callback) => callback(value + "!"));
const answered = next(socket, "answer-received");
socket.emit("ask-me", "why");
const [answer] = await answered;
check("server-to-client ack", answer === "why!", answer);

// server -> client, never acknowledged: the server's timeout fires
socket.on("ignore-me", () => {});
const timedOut = next(socket, "server-timeout");
socket.emit("please-time-out");
const [what] = await timedOut;
check("server-side timeout", what === "AckTimeoutException", what);

socket.disconnect();
console.log("DONE");
process.exit(0);
