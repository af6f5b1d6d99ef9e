// Many official socket.io-clients in one process, for drain and kill tests: WebSocket only (or the
// transports given, comma-separated), connection state
// recovery as the server offers it, quick reconnection with jitter. One JSON line per thing that
// happens to client i:
//   {"i":i,"event":"connect","id":..,"recovered":..}   {"i":i,"event":"msg","msg":..}
//   {"i":i,"event":"disconnect","reason":..}            {"i":i,"event":"connect_error","message":..}
// Exits when stdin closes or says "exit".
// Usage: node drain-clients.mjs <base url> <count> <room> [<transports, e.g. polling>]
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const [url, count, room, transports = "websocket"] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

for (let i = 0; i < Number(count); i++) {
  const socket = io(url, {
    forceNew: true,
    transports: transports.split(","),
    auth: { room },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    randomizationFactor: 0.5,
  });
  socket.on("connect", () => print({ i, event: "connect", id: socket.id, recovered: socket.recovered }));
  socket.on("disconnect", (reason) => print({ i, event: "disconnect", reason }));
  socket.on("connect_error", (error) => print({ i, event: "connect_error", message: String(error && error.message) }));
  socket.on("msg", (msg) => print({ i, event: "msg", msg }));
}

const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line.trim() === "exit") process.exit(0);
});
commands.on("close", () => process.exit(0));
