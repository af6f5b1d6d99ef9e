// One official socket.io-client for the no-sticky cluster tests: connects (polling only, or the
// default polling then WebSocket), prints {"ready":true,"sid":..,"transport":..}, then sends N
// acknowledged "echo" events, ten in flight, and counts the "tick" broadcasts it receives
// (numbered 1..). When every ack is in and B ticks arrived (or on "report" from stdin) it prints
// one JSON line: {"acks":n,"badAcks":n,"ticks":n,"dups":n,"outOfOrder":n,"disconnects":n,
// "transport":..} and exits.
// Usage: node roundrobin-client.mjs <url> <polling|default> <events> <broadcasts>
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const [url, mode, eventCount, tickCount] = process.argv.slice(2);
const events = Number(eventCount);
const expectedTicks = Number(tickCount);
const socket = io(url, {
  forceNew: true,
  transports: mode === "polling" ? ["polling"] : ["polling", "websocket"],
  reconnection: false,
});
const state = { acks: 0, badAcks: 0, ticks: 0, dups: 0, outOfOrder: 0, disconnects: 0 };
const seen = new Set();
let last = 0;
let sent = 0;
let done = false;

const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const report = () => {
  if (done) return;
  done = true;
  print({ ...state, transport: socket.io.engine ? socket.io.engine.transport.name : null });
  process.exit(0);
};
const maybeDone = () => {
  if (state.acks + state.badAcks === events && state.ticks >= expectedTicks) report();
};

socket.on("tick", (n) => {
  if (seen.has(n)) state.dups++;
  else seen.add(n);
  if (n < last) state.outOfOrder++;
  last = Math.max(last, n);
  state.ticks = seen.size;
  maybeDone();
});
socket.on("disconnect", () => state.disconnects++);
socket.on("connect_error", (e) => {
  print({ error: String(e && e.message) });
  process.exit(1);
});

const sendNext = () => {
  if (sent >= events) return;
  const i = sent++;
  socket.timeout(30000).emit("echo", i, (err, answer) => {
    if (err || answer !== i) state.badAcks++;
    else state.acks++;
    sendNext();
    maybeDone();
  });
};

socket.once("connect", () => {
  const ready = () => {
    print({ ready: true, sid: socket.io.engine.id, transport: socket.io.engine.transport.name });
    for (let k = 0; k < 10; k++) sendNext();
  };
  if (mode === "polling") ready();
  else socket.io.engine.once("upgrade", ready);
});

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "report") report();
});
