// One client for the no-sticky cluster tests: the official socket.io-client (modes "polling":
// polling only, "default": polling then WebSocket) or the bundled Belay client given by path
// (modes "bundled-sse": SSE only, "bundled-default": its own negotiation). Connects, prints {"ready":true,"sid":..,"transport":..}, then sends N
// acknowledged "echo" events, ten in flight, and counts the "tick" broadcasts it receives
// (numbered 1..). When every ack is in and B ticks arrived (or on "report" from stdin) it prints
// one JSON line: {"acks":n,"badAcks":n,"ticks":n,"dups":n,"outOfOrder":n,"disconnects":n,
// "transport":..} and exits.
// Usage: node roundrobin-client.mjs <url> <mode> <events> <broadcasts> [<path of socket.io.esm.js>]
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { io as officialIo } from "socket.io-client";

const [url, mode, eventCount, tickCount, bundledPath] = process.argv.slice(2);
const events = Number(eventCount);
const expectedTicks = Number(tickCount);
const bundled = mode.startsWith("bundled-");
const io = bundled ? (await import(pathToFileURL(bundledPath).href)).io : officialIo;
const transports = { polling: ["polling"], default: ["polling", "websocket"], "bundled-sse": ["sse"] }[mode];
const socket = io(url, Object.assign({ forceNew: true, reconnection: false }, bundled ? { WebSocket } : {},
  transports ? { transports } : {}));
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

// The official client's default mode upgrades to WebSocket after the handshake, possibly before
// "connect": the upgrade is watched from the engine's opening, and the test starts once it is done.
let upgraded = false;
let connected = false;
const ready = () => {
  if (!connected || (mode === "default" && !upgraded)) return;
  print({ ready: true, sid: socket.io.engine.id, transport: socket.io.engine.transport.name });
  for (let k = 0; k < 10; k++) sendNext();
};
socket.io.once("open", () => socket.io.engine.once("upgrade", () => {
  upgraded = true;
  ready();
}));
socket.once("connect", () => {
  connected = true;
  ready();
});

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "report") report();
});
