// Many official socket.io-clients in one process, for the rolling-restart test: the transports
// given (comma-separated; default polling then WebSocket), connection state recovery as the server
// offers it, quick reconnection with jitter, room from auth. Broadcasts are numbers 0, 1, 2, ...;
// each client checks that every number it gets is the one after the last (none missed, none twice,
// none out of order). Prints one JSON line per connection change:
//   {"i":i,"event":"connect","id":..,"recovered":..}   {"i":i,"event":"disconnect","reason":..}
// "ready" once every client got broadcast 0, and on "report <n>" from stdin, once every client got
// n (or at once if some never will), one line
//   {"event":"report","complete":k,"bad":[{"i":..,"last":..,"errors":..,"firstError":..}, ...]}
// where complete counts the clients that got exactly 0..n in order.
// Usage: node rolling-clients.mjs <base url> <count> <room> [<transports>]
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const [url, countArg, room, transports = "polling,websocket"] = process.argv.slice(2);
const count = Number(countArg);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const clients = [];
let wanted = null;
let readyPrinted = false;

const check = () => {
  if (!readyPrinted && clients.every((c) => c.last >= 0)) {
    readyPrinted = true;
    print({ event: "ready" });
  }
  if (wanted !== null && clients.every((c) => c.last >= wanted)) report();
};

const report = () => {
  const bad = clients.filter((c) => c.last !== wanted || c.errors > 0)
    .map((c) => ({ i: c.i, last: c.last, errors: c.errors, firstError: c.firstError }));
  print({ event: "report", complete: count - bad.length, bad: bad.slice(0, 10) });
  wanted = null;
};

for (let i = 0; i < count; i++) {
  const state = { i, last: -1, errors: 0, firstError: null, recent: [] };
  const note = (what) => {
    state.recent.push(what);
    if (state.recent.length > 12) state.recent.shift();
  };
  clients.push(state);
  const socket = io(url, {
    forceNew: true,
    transports: transports.split(","),
    auth: { room },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0.5,
  });
  socket.on("connect", () => note(`connect ${socket.recovered} ${socket.io.engine.transport.name}`));
  socket.io.on("upgrade", (t) => note(`upgrade ${t.name}`));
  socket.on("connect", () => print({ i, event: "connect", id: socket.id, recovered: socket.recovered }));
  socket.on("disconnect", (reason) => note(`disconnect ${reason}`));
  socket.on("disconnect", (reason, details) => print({ i, event: "disconnect", reason,
    details: details && String(details.description && (details.description.message || details.description)),
    context: details && details.context && String(details.context.status || details.context.statusText || details.context),
    transport: socket.io.engine && socket.io.engine.transport && socket.io.engine.transport.name }));
  socket.on("msg", (n) => {
    note(`msg ${n}`);
    if (n !== state.last + 1) {
      state.errors++;
      if (state.firstError === null) state.firstError = `${socket.id} got ${n} after ${state.last}: ${state.recent.join(", ")}`;
    }
    state.last = Math.max(state.last, n);
    check();
  });
}

const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  const [command, arg] = line.trim().split(" ");
  if (command === "exit") process.exit(0);
  if (command === "report") {
    wanted = Number(arg);
    check();
  }
  if (command === "report-now") {
    wanted = Number(arg);
    report();
  }
});
commands.on("close", () => process.exit(0));
