// A client on the /recovery/ fixture whose transport goes silent while ticks flow: a proxy stops
// forwarding every connection open at that moment (nothing, not even a close, gets through) while
// new connections work. The client must notice by heartbeat ("ping timeout"), reconnect on a new
// connection, be recovered, and see each tick of 1..N exactly once and in order; the server must
// have closed the silent session itself (its socket left with "ping timeout", its sid unknown).
// Usage: node recovery-silent.mjs <official|bundled> <proxied base url> <direct base url>
//          <websocket|sse> <ticks> <everyMs> <silences> <blackhole url> [bundled esm path]
// <blackhole url> is POSTed to silence the connections open now; it answers how many it silenced.
// Prints one JSON line {"ticks":..,"silences":[..],...} and exits 0, or "FAIL ..." and exits 1.
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [kind, proxied, direct, mode, ticksArg, everyArg, silencesArg, blackholeUrl, esmPath] = process.argv.slice(2);
const N = Number(ticksArg);
const everyMs = Number(everyArg);
const SILENCES = Number(silencesArg);
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

// The reconnection waits a fixed 300 ms, so that the server's own heartbeat (which fires about
// when the client's does) closes the silent session before the client is back; a client back
// sooner would take the session over, which is right too but not what is shown here.
const socket = io(proxied, {
  path: "/recovery/",
  forceNew: true,
  transports: [mode],
  reconnectionDelay: 300,
  reconnectionDelayMax: 300,
  randomizationFactor: 0,
  timeout: 2000,
  WebSocket,
});

let expected = 1;
const errors = [];
let welcomes = 0;
let sid = null;
let firstConnect = true;
let offsetAtDrop;
// Reconnections before the client got its first packet: it has no offset to send, and Belay
// resumes it from where its socket started.
let beforeFirstOffset = 0;
// Disconnects with no silence under way: the fixture's 300/200 ms heartbeat on a loaded machine.
let spurious = 0;
const silences = []; // {sid, silenced, reason, detectedMs, extraDisconnects, recovered, transport, oldSid}
let current = null; // the silence under way
const events = [];
const since = () => (current ? Date.now() - current.at + " ms" : "-");
socket.on("welcome", () => { welcomes++; });
socket.on("disconnect", (reason, details) => {
  offsetAtDrop = socket._lastOffset;
  events.push("disconnect " + reason + (details && details.description ? " (" + details.description + ")" : "") + " at " + since());
  if (!current) spurious++;
  else if (current.reason === undefined) {
    current.reason = reason;
    current.detectedMs = Date.now() - current.at;
  } else {
    // A reconnection attempt that opened and was closed again before it connected.
    current.extraDisconnects++;
  }
});
socket.io.on("open", () => events.push("open " + socket.io.engine.transport.name + " at " + since()));
let onReconnect = () => {};
socket.on("connect", () => {
  events.push("connect recovered=" + socket.recovered + " at " + since());
  sid = socket.io.engine.id;
  if (firstConnect) { firstConnect = false; return; }
  if (offsetAtDrop === undefined) beforeFirstOffset++;
  if (!socket.recovered) errors.push("reconnection at tick " + (expected - 1) + " not recovered");
  onReconnect();
});
const ticks = [];
let tickWaiter = null;
const done = new Promise((resolve) => {
  socket.on("tick", (i) => {
    if (i !== expected) errors.push("tick " + i + " when " + expected + " was expected");
    expected = Math.max(expected, i + 1);
    if (tickWaiter && expected > tickWaiter.at) { const w = tickWaiter; tickWaiter = null; w.resolve(); }
    if (i === N) resolve();
  });
});
const untilTick = (at) => expected > at ? Promise.resolve() : new Promise((resolve) => { tickWaiter = { at, resolve }; });

function report() {
  return { ticks: expected - 1, welcomes, beforeFirstOffset, spurious, silences, events: events.slice(0, 60), errors: errors.slice(0, 20) };
}
const connected = () => socket.connected ? Promise.resolve() : new Promise((resolve) => socket.once("connect", resolve));

await new Promise((resolve) => socket.once("connect", resolve));
if (socket.io.engine.transport.name !== mode) fail("connected on " + socket.io.engine.transport.name);
// The stream is started on a direct connection, which the proxy never silences.
const control = (await import("socket.io-client")).io(direct, { path: "/recovery/", forceNew: true, transports: ["websocket"] });
await new Promise((resolve) => control.once("connect", resolve));
const started = await control.timeout(5000).emitWithAck("start", { n: N, everyMs });
if (started !== "started") fail("start answered " + JSON.stringify(started));

for (let k = 1; k <= SILENCES; k++) {
  await untilTick(Math.floor((N * k) / (SILENCES + 1)));
  await connected(); // a silence is of a live transport
  const back = new Promise((resolve) => { onReconnect = resolve; });
  current = { sid, at: Date.now(), extraDisconnects: 0 };
  const answer = await fetch(blackholeUrl, { method: "POST" });
  current.silenced = Number(await answer.text());
  silences.push(current);
  await back;
  onReconnect = () => {};
  current.recovered = socket.recovered;
  current.transport = socket.io.engine.transport.name;
  current.ticksWhenBack = expected - 1;
  current = null;
}
await done;
clearTimeout(deadline);

// The server side: the silent sessions are gone, and the socket left each time by its heartbeat.
for (const s of silences) {
  const r = await fetch(direct + "/recovery/?EIO=4&transport=polling&sid=" + encodeURIComponent(s.sid));
  s.oldSid = r.status + " " + (await r.text());
}
let stats = null;
for (let attempt = 0; attempt < 20 && stats === null; attempt++) {
  try {
    stats = await socket.timeout(2000).emitWithAck("disconnects");
  } catch (e) { /* ask again */ }
}
console.log(JSON.stringify(Object.assign(report(), { serverDisconnects: stats })));
control.close();
socket.close();
process.exit(0);
