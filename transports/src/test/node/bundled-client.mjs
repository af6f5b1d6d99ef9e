// The bundled Belay client (the ES module the jar ships) under Node against a Belay server.
// Usage: node bundled-client.mjs <path of socket.io.esm.js> <base url> <scenario>
// Prints "OK ..." lines and "DONE" at the end; exits non-zero on any failure.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [clientPath, url, scenario] = process.argv.slice(2);
const { io } = await import(pathToFileURL(clientPath).href);
const timer = setTimeout(() => fail(new Error("scenario " + scenario + " timed out")), 20000);
const sockets = [];

function fail(e) {
  console.log("FAIL " + (e && e.stack ? e.stack : e));
  process.exit(1);
}
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...a) => resolve(a)));
}

function connect(opts) {
  const s = io(url, Object.assign({ forceNew: true, WebSocket, reconnection: false }, opts));
  sockets.push(s);
  // the first transport and the upgrade, caught from the start: an upgrade may finish before "connect"
  s.io.once("open", () => {
    s.firstTransport = s.io.engine.transport.name;
    s.upgraded = once(s.io.engine, "upgrade");
  });
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", (e) => reject(new Error("connect_error: " + e.message + " " + (e.description ?? ""))));
  });
}

async function roundTrip(s, expectedTransport) {
  assert.equal(s.io.engine.transport.name, expectedTransport);
  assert.equal(await s.emitWithAck("transport"), expectedTransport);
  const text = "héllo\r\n\u2028\u0000😀";
  assert.equal(await s.emitWithAck("echo", text), text);
  const [bin] = await new Promise((r) => s.emit("binary", { b: new Uint8Array([1, 2, 255]), blob: new Blob([new Uint8Array([7])]) }, (...a) => r(a)));
  assert.deepEqual([...new Uint8Array(bin.b)], [1, 2, 255]);
  assert.deepEqual([...new Uint8Array(bin.blob)], [7]);
  console.log("OK " + expectedTransport);
}

async function burstAcross(s) {
  // the server pushes numbered events while the client changes transport: none lost, none reordered
  const got = [];
  s.on("seq", (i) => got.push(i));
  const done = new Promise((resolve) => s.on("seq", (i) => i === 199 && resolve()));
  s.emit("burst", 200);
  const [t] = await s.upgraded;
  await done;
  assert.deepEqual(got, [...Array(200).keys()]);
  return t;
}

const scenarios = {
  polling: async () => roundTrip(await connect({ transports: ["polling"] }), "polling"),
  websocket: async () => roundTrip(await connect({ transports: ["websocket"] }), "websocket"),
  sse: async () => roundTrip(await connect({ transports: ["sse"] }), "sse"),
  default: async () => {
    const s = await connect({});
    await roundTrip(s, "websocket");
  },
  "websocket-refused": async () => {
    const started = Date.now();
    const s = await connect({});
    assert.ok(Date.now() - started < 1500, "connected within 1.5 s");
    await roundTrip(s, "sse");
  },
  "sse-to-websocket": async () => {
    const s = await connect({ transports: ["sse", "websocket"], negotiation: "upgrade" });
    assert.equal(s.firstTransport, "sse");
    const t = await burstAcross(s);
    assert.equal(t.name, "websocket");
    await roundTrip(s, "websocket");
  },
  "polling-to-sse": async () => {
    const s = await connect({ transports: ["polling", "sse"], negotiation: "upgrade" });
    assert.equal(s.firstTransport, "polling");
    const t = await burstAcross(s);
    assert.equal(t.name, "sse");
    await roundTrip(s, "sse");
  },
  "polling-to-websocket": async () => {
    const s = await connect({ transports: ["polling", "websocket"], negotiation: "upgrade" });
    assert.equal(s.firstTransport, "polling");
    const t = await burstAcross(s);
    assert.equal(t.name, "websocket");
    await roundTrip(s, "websocket");
  },
};

try {
  if (!scenarios[scenario]) throw new Error("unknown scenario " + scenario);
  await scenarios[scenario]();
  clearTimeout(timer);
  sockets.forEach((s) => s.disconnect());
  console.log("DONE");
  setTimeout(() => process.exit(0), 50);
} catch (e) {
  fail(e);
}
