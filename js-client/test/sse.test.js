// The `sse` transport (Belay EXTENSION) against a minimal server written from PROTOCOL.md.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { loadClient, once } from "./helpers.js";
import { startMiniSseServer } from "./mini-sse-server.js";

const { io, _internals: I } = await loadClient();
const sockets = [];
after(() => sockets.forEach((s) => s.disconnect()));

test("sse alone: handshake on the stream, CONNECT and acks over POST, heartbeats answered", async () => {
  const srv = await startMiniSseServer();
  try {
    const s = io(srv.url, { forceNew: true, transports: ["sse"] });
    sockets.push(s);
    await once(s, "connect");
    assert.equal(s.io.engine.transport.name, "sse");
    assert.equal(s.id, "sock-" + s.io.engine.id);
    assert.deepEqual(await s.emitWithAck("echo", "a\r\nb\u2028c\u0000😀", { n: 1 }), "a\r\nb\u2028c\u0000😀");
    const [bin] = await new Promise((resolve) => s.emit("echo", { b: new Uint8Array([1, 2, 255]) }, (...a) => resolve(a)));
    assert.deepEqual([...new Uint8Array(bin.b)], [1, 2, 255]);
    await once(s.io, "ping", 2000);
    await once(s.io, "ping", 2000);
    assert.ok(srv.log.includes("3"), "pongs are POSTed");
    assert.equal(s.connected, true);
  } finally {
    await srv.close();
  }
});

test("sse framing: multi-line data joined with \\n, t64 for \\r, b+base64 for binary, padding ignored", async () => {
  const srv = await startMiniSseServer();
  try {
    const e = new I.EngineSocket(srv.url, { transports: ["sse"] });
    await once(e, "open");
    const got = [];
    e.on("message", (m) => got.push(m));
    const texts = ["line1\nline2\n", "cr\rlf\r\n", "\u2028\u2029", "nul\u0000", "😀 astral", ""];
    for (const t of texts) srv.sendAll("4" + t);
    srv.sendAll("b" + Buffer.from([0, 1, 2]).toString("base64"));
    while (got.length < texts.length + 1) await once(e, "message");
    assert.deepEqual(got.slice(0, texts.length).map((m) => m ?? ""), texts);
    assert.deepEqual([...new Uint8Array(got[texts.length])], [0, 1, 2]);
    e.close();
  } finally {
    await srv.close();
  }
});

test("race: WebSocket refused, SSE wins over polling (no other transport handshakes)", async () => {
  class RefusedWebSocket {
    constructor() {
      setTimeout(() => this.onerror && this.onerror(new Error("refused")), 1);
    }
    close() {}
  }
  const srv = await startMiniSseServer();
  try {
    const started = Date.now();
    const s = io(srv.url, { forceNew: true, WebSocket: RefusedWebSocket, upgrade: false });
    sockets.push(s);
    await once(s, "connect");
    assert.ok(Date.now() - started < 1500);
    assert.equal(s.io.engine.transport.name, "sse");
    assert.ok(!srv.log.includes("GET polling"), "polling never needed to start");
  } finally {
    await srv.close();
  }
});

test("upgrade from polling to sse: probe over the stream and POST, then the session moves", async () => {
  const srv = await startMiniSseServer({ pollingUpgrades: ["sse"] });
  try {
    const s2 = io(srv.url, { forceNew: true, transports: ["polling", "sse"], negotiation: "upgrade" });
    sockets.push(s2);
    await once(s2, "connect");
    if (s2.io.engine.transport.name !== "sse") await once(s2.io.engine, "upgrade", 3000);
    assert.equal(s2.io.engine.transport.name, "sse");
    assert.equal(await s2.emitWithAck("after", "upgrade"), "upgrade");
    const order = (x) => srv.log.indexOf(x);
    assert.ok(order("2probe") >= 0 && order("2probe") < order("5"), JSON.stringify(srv.log));
    assert.ok(order("5") < srv.log.findIndex((x) => x.startsWith("420[")), "events after the switch");
  } finally {
    await srv.close();
  }
});

test("sse stream refused with HTTP 400: connect_error, nothing thrown", async () => {
  const srv = await startMiniSseServer({ refuse: ["sse"] });
  try {
    const s = io(srv.url, { forceNew: true, transports: ["sse"], reconnection: false });
    const [err] = await once(s, "connect_error");
    assert.equal(err.message, "sse error");
    assert.equal(err.description, 400);
    assert.equal(s.connected, false);
  } finally {
    await srv.close();
  }
});
