// The official socket.io-client on a cluster-node fixture (through a proxy the test can point at
// another node), driven by the test: it reconnects on its own (quickly), and prints one JSON line
// per thing that happens to it:
//   {"event":"connect","id":..,"recovered":..,"pid":..}   {"event":"msg","msg":..}
//   {"event":"disconnect","reason":..}                    {"event":"connect_error","message":..}
// Commands on stdin, one per line: "disconnect" (leave on purpose), "connect" (connect again, with
// the pid and offset the client kept), "exit". Exits when stdin closes.
// Usage: node recovery-cluster.mjs <base url> <room>
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const [url, room] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const socket = io(url, {
  forceNew: true,
  transports: ["websocket"],
  auth: { room },
  reconnectionDelay: 100,
  reconnectionDelayMax: 300,
  randomizationFactor: 0,
});
socket.on("connect", () => print({ event: "connect", id: socket.id, recovered: socket.recovered, pid: socket._pid }));
socket.on("disconnect", (reason) => print({ event: "disconnect", reason }));
socket.on("connect_error", (error) => print({ event: "connect_error", message: String(error && error.message) }));
socket.on("msg", (msg) => print({ event: "msg", msg }));

const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  const command = line.trim();
  if (command === "disconnect") socket.disconnect();
  else if (command === "connect") socket.connect();
  else if (command === "exit") process.exit(0);
});
commands.on("close", () => process.exit(0));
