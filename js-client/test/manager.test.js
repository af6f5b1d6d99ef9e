import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, flushMicrotasks } from "./helpers.js";
import { fakeWorld } from "./fakes.js";

const { Manager, _internals: I, _Emitter: Emitter } = await loadClient();

test("backoff: exponential, capped, jittered within +-factor, reset", () => {
  const b = new I.Backoff({ min: 1000, max: 5000, jitter: 0 });
  assert.deepEqual([b.duration(), b.duration(), b.duration(), b.duration()], [1000, 2000, 4000, 5000]);
  b.reset();
  assert.equal(b.duration(), 1000);
  const low = new I.Backoff({ min: 1000, max: 60000, jitter: 0.5, random: () => 0 });
  const high = new I.Backoff({ min: 1000, max: 60000, jitter: 0.5, random: () => 0.999999 });
  assert.deepEqual([low.duration(), low.duration()], [500, 1000]);
  assert.deepEqual([high.duration(), high.duration()], [1499, 2999]);
  const r = new I.Backoff({ min: 100, max: 10000, jitter: 0.5 });
  for (let i = 0; i < 50; i++) {
    const d = r.duration();
    const base = Math.min(100 * 2 ** i, 10000);
    assert.ok(d >= Math.floor(Math.min(base * 0.5, 10000)) && d <= 10000, `attempt ${i}: ${d}`);
  }
});

// A manager over fake transports; `server(t)` answers the handshake and the CONNECT of "/".
function setup(extra = {}) {
  const w = fakeWorld(Emitter);
  const opts = Object.assign(w.engineOpts({ transports: ["websocket"], random: () => 0.5 }), extra);
  const m = new Manager("http://example.test", opts);
  const events = [];
  for (const ev of ["open", "close", "error", "reconnect_attempt", "reconnect", "reconnect_error", "reconnect_failed", "ping"]) {
    m.on(ev, (...a) => events.push([ev, ...a]));
  }
  const accept = (t = w.created.at(-1), sid = "s" + w.created.length, ping = extra.ping || 60000) => {
    t.handshake({ sid: "e-" + sid, pingInterval: ping, pingTimeout: ping / 2 });
    const connects = t.messages().filter((d) => typeof d === "string" && d.startsWith("0"));
    assert.ok(connects.length > 0, "client sent CONNECT");
    t.receive("message", '0{"sid":"' + sid + '"}');
    return t;
  };
  return { w, m, events, accept };
}

function socketEvents(s) {
  const log = [];
  for (const ev of ["connect", "disconnect", "connect_error"]) s.on(ev, (...a) => log.push([ev, ...a]));
  return log;
}

test("connect, disconnect on transport failure, reconnect after the backoff, buffered emits flushed, volatile dropped", async () => {
  const { w, m, events, accept } = setup({ reconnectionDelay: 1000, randomizationFactor: 0 });
  const s = m.socket("/");
  const log = socketEvents(s);
  const t1 = accept();
  assert.equal(s.connected, true);
  assert.equal(s.id, "s1");
  assert.deepEqual(log, [["connect"]]);
  t1.fail("network down");
  assert.equal(s.connected, false);
  assert.deepEqual(log[1].slice(0, 2), ["disconnect", "transport error"]);
  s.emit("while-down", 1);
  s.volatile.emit("dropped", 2);
  await w.clock.advance(999);
  assert.equal(w.created.length, 1);
  await w.clock.advance(1);
  assert.deepEqual(events.filter((e) => e[0] === "reconnect_attempt"), [["reconnect_attempt", 1]]);
  const t2 = accept();
  await flushMicrotasks();
  assert.deepEqual(events.filter((e) => e[0] === "reconnect"), [["reconnect", 1]]);
  assert.equal(s.id, "s2");
  assert.deepEqual(t2.messages().slice(-1), ['2["while-down",1]']);
  assert.ok(!t2.messages().some((d) => d.includes("dropped")));
});

test("reconnectionAttempts: gives up with reconnect_failed; delays grow", async () => {
  const { w, m, events } = setup({ reconnectionAttempts: 2, reconnectionDelay: 100, reconnectionDelayMax: 10000, randomizationFactor: 0 });
  const s = m.socket("/");
  w.created.at(-1).fail();
  const starts = [];
  await w.clock.advance(100);
  starts.push(w.clock.now());
  w.created.at(-1).fail();
  await w.clock.advance(200);
  starts.push(w.clock.now());
  w.created.at(-1).fail();
  await w.clock.advance(10000);
  assert.equal(w.created.length, 3);
  assert.equal(starts[1] - starts[0], 200);
  assert.deepEqual(events.map((e) => e[0]).filter((n) => n.startsWith("reconnect")), [
    "reconnect_attempt",
    "reconnect_error",
    "reconnect_attempt",
    "reconnect_error",
    "reconnect_failed",
  ]);
  assert.equal(s.connected, false);
});

test("the browser's online event retries at once instead of waiting for the backoff", async () => {
  const had = "window" in globalThis;
  globalThis.window = new EventTarget();
  try {
    const { w, m, accept } = setup({ reconnectionDelay: 60000, randomizationFactor: 0 });
    const s = m.socket("/");
    accept().fail();
    await w.clock.advance(10);
    assert.equal(w.created.length, 1);
    window.dispatchEvent(new Event("online"));
    assert.equal(w.created.length, 2);
    accept();
    assert.equal(s.connected, true);
  } finally {
    if (!had) delete globalThis.window;
  }
});

test("a transport that goes silent is abandoned: reconnect on the next one, unsent emits resent", async () => {
  const { w, m, accept } = setup({ transports: ["sse", "polling"], reconnectionDelay: 100, randomizationFactor: 0, ping: 1000 });
  const s = m.socket("/");
  const log = socketEvents(s);
  const sse = w.last("sse");
  accept(sse);
  await flushMicrotasks();
  // the POST channel hangs (a buffering proxy): the first emit is in flight, the others wait
  sse.send = function (packets) {
    this.sent.push(...packets);
    this.writable = false;
  };
  s.emit("a");
  s.emit("b");
  s.emit("c");
  assert.deepEqual(sse.messages().slice(-1), ['2["a"]']);
  await w.clock.advance(1500);
  assert.deepEqual(log.at(-1).slice(0, 2), ["disconnect", "ping timeout"]);
  await w.clock.advance(100);
  const next = w.created.at(-1);
  assert.equal(next.name, "polling", "the silent transport is tried last");
  accept(next);
  await flushMicrotasks();
  assert.deepEqual(next.messages().filter((d) => d.startsWith("2")), ['2["b"]', '2["c"]']);
});

test("acks: timeout(ms).emit gets an error, emitWithAck resolves, server acks reach the callback", async () => {
  const { w, m, accept } = setup();
  const s = m.socket("/");
  const t = accept();
  let timedOut = null;
  s.timeout(1000).emit("slow", (err, v) => (timedOut = [err && err.message, v]));
  const p = s.emitWithAck("fast", 1);
  await flushMicrotasks();
  assert.deepEqual(t.messages().slice(-2), ['20["slow"]', '21["fast",1]']);
  t.receive("message", '31["ok"]');
  assert.equal(await p, "ok");
  await w.clock.advance(1000);
  assert.deepEqual(timedOut, ["operation has timed out", undefined]);
  // server asks for an ack
  s.on("ask", (x, cb) => cb(x * 2));
  t.receive("message", '27["ask",21]');
  await flushMicrotasks();
  assert.equal(t.messages().at(-1), "37[42]");
});

test("ackTimeout and retries: the queued emit is retried, then given up", async () => {
  const { w, m, accept } = setup();
  const s = m.socket("/", { ackTimeout: 500, retries: 2 });
  const t = accept();
  let result = null;
  s.emit("job", 7, (err) => (result = err ? err.message : "acked"));
  await w.clock.advance(500);
  await w.clock.advance(500);
  await w.clock.advance(500);
  const sentJobs = t.messages().filter((d) => d.includes('"job"'));
  assert.equal(sentJobs.length, 3);
  assert.equal(result, "operation has timed out");
  s.emit("job2", (err, v) => (result = [err, v]));
  await flushMicrotasks();
  const id = t.messages().at(-1).match(/^2(\d+)/)[1];
  t.receive("message", "3" + id + '["done"]');
  assert.deepEqual(result, [null, "done"]);
});

test("bad input from the server: disconnect with 'parse error' or a connect_error, nothing thrown", async () => {
  const { w, m, accept } = setup({ reconnection: false });
  const s = m.socket("/");
  const log = socketEvents(s);
  const t = accept();
  t.receive("message", "2[not json");
  assert.deepEqual(log.at(-1).slice(0, 2), ["disconnect", "parse error"]);

  const s2 = new Manager("http://example.test", Object.assign(w.engineOpts({ transports: ["websocket"] }))).socket("/admin", {
    auth: (cb) => cb({ token: "t0" }),
  });
  const log2 = socketEvents(s2);
  const t2 = w.created.at(-1);
  t2.handshake();
  assert.equal(t2.messages().at(-1), '0/admin,{"token":"t0"}');
  t2.receive("message", '4/admin,{"message":"not authorized","data":{"code":7}}');
  assert.equal(log2[0][0], "connect_error");
  assert.equal(log2[0][1].message, "not authorized");
  assert.deepEqual(log2[0][1].data, { code: 7 });
  assert.equal(s2.active, false);

  const s3 = new Manager("http://example.test", w.engineOpts({ transports: ["websocket"], reconnection: false })).socket("/");
  const log3 = socketEvents(s3);
  const t3 = w.created.at(-1);
  t3.channelUp();
  t3.receive("open", "garbage");
  assert.equal(log3[0][0], "connect_error");
});

test("reserved event names cannot be emitted; onAny/offAny see incoming events", async () => {
  const { m, accept } = setup();
  const s = m.socket("/");
  const t = accept();
  assert.throws(() => s.emit("connect"), /reserved/);
  const seen = [];
  const any = (...a) => seen.push(a);
  s.onAny(any);
  t.receive("message", '2["news",1]');
  s.offAny(any);
  t.receive("message", '2["news",2]');
  assert.deepEqual(seen, [["news", 1]]);
});
