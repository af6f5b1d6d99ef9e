// Delivery of client->server emits across reconnections: with `retries` an emit keeps its ack id,
// is re-sent first after a reconnection and answered once; maxBufferedEmits bounds what is held.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, flushMicrotasks, startReferenceServer, once, WebSocket } from "./helpers.js";
import { fakeWorld } from "./fakes.js";

const { io, Manager, _Emitter: Emitter } = await loadClient();

// A manager over fake transports with a short fixed reconnection delay; the test plays the server.
function setup(extra = {}) {
  const w = fakeWorld(Emitter);
  const opts = Object.assign(w.engineOpts({ transports: ["websocket"], reconnectionDelay: 100, randomizationFactor: 0 }), extra);
  const m = new Manager("http://example.test", opts);
  // Answers the handshake and the CONNECT of "/" (with a pid: the server has connection state recovery).
  const accept = (t = w.created.at(-1), sid = "s" + w.created.length, pid, ping = extra.ping || 60000) => {
    t.handshake({ sid: "e-" + sid, pingInterval: ping, pingTimeout: ping / 2 });
    const reply = pid ? { sid, pid } : { sid };
    t.receive("message", "0" + JSON.stringify(reply));
    return t;
  };
  // Drops the connection and answers the reconnection after the delay.
  const reconnect = async (t, pid) => {
    t.fail("network down");
    await w.clock.advance(100);
    const next = accept(w.created.at(-1), undefined, pid);
    await flushMicrotasks();
    return next;
  };
  return { w, m, accept, reconnect };
}

const events = (t) => t.messages().filter((d) => typeof d === "string" && d.startsWith("2"));
const connects = (t) => t.messages().filter((d) => typeof d === "string" && d.startsWith("0"));

test("retries: an emit unanswered before a drop is re-sent first with the same ack id, in order, after a recovered reconnection", async () => {
  const { w, m, accept } = setup();
  const s = m.socket("/", { retries: 3, ackTimeout: 10000 });
  const t1 = accept(undefined, undefined, "p1");
  const answers = [];
  const cb = (name) => (err, v) => answers.push([name, err, v]);
  s.emit("a", 1, cb("a"));
  s.emit("b", 2, cb("b"));
  s.emit("c", cb("c"));
  await flushMicrotasks();
  assert.deepEqual(events(t1), ['20["a",1]'], "one at a time: only the head is sent");
  t1.receive("message", '30["A"]');
  await flushMicrotasks();
  assert.deepEqual(events(t1), ['20["a",1]', '21["b",2]']);

  const disconnected = [];
  s.on("disconnect", (r) => disconnected.push(r));
  t1.fail("network down");
  assert.deepEqual(disconnected, ["transport error"]);
  s.emit("d", cb("d"));
  await w.clock.advance(100);
  const t2 = accept(w.created.at(-1), "s1", "p1");
  await flushMicrotasks();
  assert.equal(s.recovered, true);
  assert.match(connects(t2)[0], /"pid":"p1"/, "the reconnection asks for the same session");
  assert.deepEqual(events(t2), ['21["b",2]'], "the unanswered one goes first, with its id");
  t2.receive("message", '31["B"]');
  await flushMicrotasks();
  t2.receive("message", '32["C"]');
  await flushMicrotasks();
  t2.receive("message", '33["D"]');
  await flushMicrotasks();
  assert.deepEqual(events(t2), ['21["b",2]', '22["c"]', '23["d"]']);
  assert.deepEqual(answers, [["a", null, "A"], ["b", null, "B"], ["c", null, "C"], ["d", null, "D"]]);
  await w.clock.advance(20000);
  assert.equal(events(t2).length, 3, "answered: no ack timer re-sends anything");
  assert.equal(answers.length, 4);
});

test("retries: an answer that arrives twice (after an ack-timeout re-send) calls the callback once", async () => {
  const { w, m, accept } = setup();
  const s = m.socket("/", { retries: 2, ackTimeout: 500 });
  const t = accept(undefined, undefined, "p1");
  const calls = [];
  s.emit("job", 7, (err, v) => calls.push([err, v]));
  await w.clock.advance(500);
  assert.deepEqual(events(t), ['20["job",7]', '20["job",7]'], "re-sent with the same id");
  t.receive("message", '30["done"]');
  t.receive("message", '30["done"]');
  await w.clock.advance(5000);
  assert.deepEqual(calls, [[null, "done"]]);
  assert.equal(events(t).length, 2, "answered: no further re-send");
  const p = s.emitWithAck("next");
  await flushMicrotasks();
  assert.deepEqual(events(t).at(-1), '21["next"]');
  t.receive("message", '31["ok"]');
  t.receive("message", '31["ok"]');
  assert.equal(await p, "ok");
});

test("retries exhausted: the callback fails with the timeout, every try carried the same id, a late answer is ignored", async () => {
  const { w, m, accept } = setup();
  const s = m.socket("/", { retries: 2, ackTimeout: 500 });
  const t = accept(undefined, undefined, "p1");
  const calls = [];
  s.emit("job", (err, v) => calls.push([err && err.message, v]));
  s.emit("after", (err, v) => calls.push([err && err.message, v]));
  await w.clock.advance(1500);
  assert.deepEqual(calls, [["operation has timed out", undefined]]);
  assert.deepEqual(events(t), ['20["job"]', '20["job"]', '20["job"]', '21["after"]']);
  t.receive("message", '30["late"]');
  t.receive("message", '31["fine"]');
  await flushMicrotasks();
  assert.deepEqual(calls, [["operation has timed out", undefined], [null, "fine"]]);
});

test("retries: a reconnection does not count against retries; each connection restarts the ack timeout", async () => {
  const { w, m, accept, reconnect } = setup();
  const s = m.socket("/", { retries: 1, ackTimeout: 500 });
  const t1 = accept(undefined, undefined, "p1");
  const calls = [];
  s.emit("job", (err, v) => calls.push([err && err.message, v]));
  await w.clock.advance(400);
  const t2 = await reconnect(t1, "p1");
  const t3 = await reconnect(t2, "p1");
  assert.deepEqual([events(t1), events(t2), events(t3)], [['20["job"]'], ['20["job"]'], ['20["job"]']]);
  await w.clock.advance(499);
  assert.deepEqual(calls, []);
  await w.clock.advance(1);
  assert.deepEqual(events(t3), ['20["job"]', '20["job"]'], "the one retry");
  t3.receive("message", '30["ok"]');
  assert.deepEqual(calls, [[null, "ok"]]);
});

test("retries: after a reconnection to a new session (recovered false) the unanswered emit is still re-sent (at-least-once)", async () => {
  const { m, accept, reconnect } = setup();
  const s = m.socket("/", { retries: 1 });
  const t1 = accept(undefined, undefined, "p1");
  const calls = [];
  s.emit("job", (err, v) => calls.push([err, v]));
  await flushMicrotasks();
  const t2 = await reconnect(t1, "p2");
  assert.equal(s.recovered, false);
  assert.deepEqual(events(t2), ['20["job"]']);
  t2.receive("message", '30["again"]');
  assert.deepEqual(calls, [[null, "again"]]);
});

test("retries: a re-send still waiting in the engine's buffer when the transport dies is not sent twice after the reconnection", async () => {
  const { w, m, accept } = setup({ transports: ["sse", "polling"], ping: 1000 });
  const s = m.socket("/", { retries: 10, ackTimeout: 400 });
  const sse = accept(w.last("sse"), "s1", "p1");
  await flushMicrotasks();
  sse.send = function (packets) {
    this.sent.push(...packets); // the POST channel hangs: nothing more is handed to the transport
    this.writable = false;
  };
  const calls = [];
  s.emit("job", (err, v) => calls.push([err, v]));
  await w.clock.advance(1500); // ack timeouts re-send into the engine's buffer, then the ping times out
  assert.equal(s.connected, false);
  await w.clock.advance(100);
  const next = accept(w.created.at(-1), "s1", "p1");
  await flushMicrotasks();
  assert.deepEqual(events(next), ['20["job"]']);
  next.receive("message", '30["ok"]');
  assert.deepEqual(calls, [[null, "ok"]]);
});

test("maxBufferedEmits (default 1000): the 1001st emit while disconnected is refused, its callback gets 'emit buffer full', the rest go in order", async () => {
  const { m, accept } = setup({ autoConnect: false });
  const s = m.socket("/");
  for (let i = 0; i < 1000; i++) s.emit("n", i);
  const refused = [];
  s.emit("n", 1000, (err) => refused.push(err.message));
  s.emit("n", 1001);
  const rejected = s.emitWithAck("n", 1002).catch((e) => e.message);
  assert.deepEqual(refused, [], "never called from inside emit()");
  await flushMicrotasks();
  assert.deepEqual(refused, ["emit buffer full"]);
  assert.equal(await rejected, "emit buffer full");
  assert.equal(s.droppedEmits, 3);
  s.volatile.emit("v");
  assert.equal(s.droppedEmits, 3, "a volatile emit is dropped by design, not counted");
  s.connect();
  const t = accept();
  await flushMicrotasks();
  const sent = events(t);
  assert.equal(sent.length, 1000);
  assert.deepEqual(sent.slice(0, 2).concat(sent.slice(-1)), ['2["n",0]', '2["n",1]', '2["n",999]']);
  s.emit("n", "live", () => {});
  assert.equal(events(t).at(-1), '20["n","live"]', "once connected, emits are sent again");
});

test("maxBufferedEmits bounds the retries queue too; a bad value falls back to the default", async () => {
  const { m, accept } = setup();
  const s = m.socket("/", { retries: 1, maxBufferedEmits: 2 });
  const t = accept(undefined, undefined, "p1");
  const calls = [];
  for (const name of ["a", "b", "c"]) s.emit(name, (err, v) => calls.push([name, err && err.message, v]));
  await flushMicrotasks();
  assert.deepEqual(calls, [["c", "emit buffer full", undefined]]);
  t.receive("message", '30["A"]');
  s.emit("d", (err, v) => calls.push(["d", err && err.message, v]));
  t.receive("message", '31["B"]');
  await flushMicrotasks();
  t.receive("message", '32["D"]');
  assert.deepEqual(events(t), ['20["a"]', '21["b"]', '22["d"]']);
  assert.deepEqual(calls.slice(1), [["a", null, "A"], ["b", null, "B"], ["d", null, "D"]]);

  const { m: m2 } = setup({ autoConnect: false });
  const s2 = m2.socket("/", { maxBufferedEmits: "lots" });
  for (let i = 0; i < 1001; i++) s2.emit("n", i);
  assert.equal(s2.droppedEmits, 1);
  assert.equal(s2.sendBuffer.length, 1000);
});

test("over the wire (Node reference server with recovery): the emit unanswered at the drop arrives again with its ack id", async () => {
  const srv = await startReferenceServer({ connectionStateRecovery: { maxDisconnectionDuration: 10000 } });
  const s = io(srv.url, { forceNew: true, WebSocket, transports: ["websocket"], reconnectionDelay: 50, retries: 1, ackTimeout: 5000 });
  try {
    const received = [];
    let calls = 0;
    srv.io.on("connection", (so) => {
      so.conn.on("packet", (p) => p.type === "message" && p.data.startsWith("2") && received.push(p.data));
      so.join("room");
      so.on("warm-up", (cb) => cb());
      so.on("job", (n, cb) => {
        if (++calls === 1) so.conn.close(); // the connection drops before the answer
        else cb(n * 2);
      });
    });
    await once(s, "connect");
    srv.io.to("room").emit("before"); // a broadcast gives the client the offset it resumes from
    await once(s, "before");
    s.emit("warm-up", () => {});
    const answers = [];
    const answered = new Promise((resolve) => s.emit("job", 21, (err, v) => resolve(answers.push([err, v]))));
    await once(s, "connect", 5000);
    assert.equal(s.recovered, true);
    await answered;
    assert.deepEqual(answers, [[null, 42]]);
    // the reference server keeps no answers, so its handler ran twice; a Belay server answers from its cache
    assert.deepEqual(received.filter((d) => d.includes("job")), ['21["job",21]', '21["job",21]']);
  } finally {
    s.disconnect();
    await srv.close();
  }
});
