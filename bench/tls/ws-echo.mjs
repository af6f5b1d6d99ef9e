// node bench/tls/ws-echo.mjs <ws(s)://host:port/engine.io/> [clients=50] [inflight=10] [warmupS=3] [seconds=10]
// Engine.IO WebSocket echo load: each client keeps `inflight` messages in flight against an engine
// that echoes every message (the conformance fixture's /engine.io/). Prints one JSON line with the
// round trips per second over the measured window. Certificates are not checked (a bench on
// 127.0.0.1 against a self-signed certificate). Uses the `ws` package installed for the
// transports' Node tests.
import { createRequire } from "node:module";
const require = createRequire(new URL("../../transports/src/test/node/package.json", import.meta.url));
const WebSocket = require("ws");

const [base, clientsArg = "50", inflightArg = "10", warmupArg = "3", secondsArg = "10"] = process.argv.slice(2);
const clients = +clientsArg, inflight = +inflightArg, warmup = +warmupArg * 1000, seconds = +secondsArg * 1000;
const url = base + "?EIO=4&transport=websocket";
const payload = "4" + "x".repeat(32); // a message packet of 32 characters
let counting = false, count = 0;

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { rejectUnauthorized: false, perMessageDeflate: false });
    ws.on("error", reject);
    ws.on("message", (data) => {
      const text = data.toString();
      if (text[0] === "0") { for (let i = 0; i < inflight; i++) ws.send(payload); resolve(ws); return; }
      if (text === "2") { ws.send("3"); return; }
      if (text[0] === "4") { if (counting) count++; ws.send(payload); }
    });
  });
}

const sockets = [];
for (let i = 0; i < clients; i++) sockets.push(await open());
await new Promise((r) => setTimeout(r, warmup));
counting = true;
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, seconds));
counting = false;
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ url: base, clients, inflight, seconds: elapsed, roundTrips: count, perSecond: Math.round(count / elapsed) }));
for (const ws of sockets) ws.terminate();
process.exit(0);
