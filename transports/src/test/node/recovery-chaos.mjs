// A client on the /recovery/ fixture, through a proxy that keeps cutting its connections, checks
// that connection state recovery hides every cut: each tick of 1..N arrives exactly once and in
// order, and every reconnection is recovered. With the bundled client it also sends acknowledged
// `inc` emits (retries on) and checks the server handled each exactly once.
// Usage: node recovery-chaos.mjs <official|bundled> <proxied base url> <direct base url>
//          <websocket|sse|polling|default> <ticks> <everyMs> <incs> [bundled esm path]
// Prints one JSON line {"ticks":..,"reconnects":..,...} and exits 0, or "FAIL ..." and exits 1.
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [kind, proxied, direct, mode, ticksArg, everyArg, incsArg, esmPath] = process.argv.slice(2);
const N = Number(ticksArg);
const everyMs = Number(everyArg);
const INCS = Number(incsArg);
const { io } = kind === "bundled"
  ? await import(pathToFileURL(esmPath).href)
  : await import("socket.io-client");

function fail(message) {
  console.log("FAIL " + message);
  process.exit(1);
}
process.on("unhandledRejection", (e) => fail(e && e.stack ? e.stack : e));
process.on("uncaughtException", (e) => fail(e && e.stack ? e.stack : e));
const deadline = setTimeout(() => fail("timed out: " + JSON.stringify(report())), Math.max(60000, N * everyMs * 4));

const transports = mode === "default" ? undefined : [mode];
const options = {
  path: "/recovery/",
  forceNew: true,
  reconnectionDelay: 50,
  reconnectionDelayMax: 200,
  randomizationFactor: 0.5,
  timeout: 2000,
  WebSocket,
};
if (transports) options.transports = transports;
if (kind === "bundled" && INCS > 0) Object.assign(options, { retries: 1000, ackTimeout: 1000 });

let expected = 1;
const errors = [];
let reconnects = 0;
let notRecovered = 0;
let firstConnect = true;
let welcomes = 0;
// Reconnections before the client got its first packet: it has no offset to send, and Belay
// resumes it from where its socket started (Socket.IO would give it a fresh socket).
let beforeFirstOffset = 0;
let offsetAtDrop;
const transportsSeen = new Set();

const socket = io(proxied, options);
socket.on("welcome", () => { welcomes++; });
socket.on("disconnect", () => { offsetAtDrop = socket._lastOffset; });
socket.on("connect", () => {
  transportsSeen.add(socket.io.engine.transport.name);
  if (firstConnect) { firstConnect = false; return; }
  reconnects++;
  if (offsetAtDrop === undefined) beforeFirstOffset++;
  if (!socket.recovered) {
    notRecovered++;
    errors.push("reconnection " + reconnects + " not recovered");
  }
});
const done = new Promise((resolve) => {
  socket.on("tick", (i) => {
    if (i !== expected) errors.push("tick " + i + " when " + expected + " was expected");
    expected = Math.max(expected, i + 1);
    if (i === N) resolve();
  });
});

function report() {
  return { ticks: expected - 1, reconnects, notRecovered, beforeFirstOffset, welcomes, transports: [...transportsSeen], errors: errors.slice(0, 20) };
}

await new Promise((resolve) => socket.once("connect", resolve));
// The stream is started on a direct connection, so that a cut cannot lose or repeat the request.
const control = (await import("socket.io-client")).io(direct, { path: "/recovery/", forceNew: true, transports: ["websocket"] });
await new Promise((resolve) => control.once("connect", resolve));
const started = await control.timeout(5000).emitWithAck("start", { n: N, everyMs });
if (started !== "started") fail("start answered " + JSON.stringify(started));

let incReport = null;
if (INCS > 0) {
  const acks = [];
  for (let k = 1; k <= INCS; k++) acks.push(socket.emitWithAck("inc", { seq: k }));
  const answers = await Promise.all(acks);
  for (let k = 1; k <= INCS; k++) if (answers[k - 1] !== k) errors.push("inc " + k + " acked " + answers[k - 1]);
}
await done;
if (INCS > 0) {
  for (let attempt = 0; attempt < 50 && incReport === null; attempt++) {
    try {
      incReport = await socket.timeout(2000).emitWithAck("stats");
    } catch (e) { /* cut meanwhile: ask again */ }
  }
}
clearTimeout(deadline);
const result = Object.assign(report(), incReport ? { received: incReport.received, duplicates: incReport.duplicates } : {});
console.log(JSON.stringify(result));
control.close();
socket.close();
process.exit(0);
