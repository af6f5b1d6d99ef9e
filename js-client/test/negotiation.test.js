import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, flushMicrotasks } from "./helpers.js";
import { fakeWorld } from "./fakes.js";

const { _internals: I, _Emitter: Emitter } = await loadClient();
const { EngineSocket } = I;

function engineIn(w, extra) {
  const e = new EngineSocket(w.engineOpts(extra));
  const events = [];
  for (const ev of ["open", "close", "error", "upgrade", "upgradeError", "ping"]) {
    e.on(ev, (...a) => events.push([ev, ...a]));
  }
  e.events = events;
  return e;
}

test("race: WebSocket opening within its head start wins; nothing else starts", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  assert.deepEqual(w.created.map((t) => t.name), ["websocket"]);
  await w.clock.advance(100);
  w.last("websocket").handshake();
  assert.equal(e.readyState, "open");
  assert.equal(e.transport.name, "websocket");
  await w.clock.advance(2000 - 100);
  assert.deepEqual(w.created.map((t) => t.name), ["websocket"]);
});

test("race: a silent WebSocket lets SSE start after the head start, then polling; first open wins", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { headStart: 300 });
  await w.clock.advance(299);
  assert.equal(w.created.length, 1);
  await w.clock.advance(1);
  assert.deepEqual(w.created.map((t) => t.name), ["websocket", "sse"]);
  assert.equal(w.last("sse").startedAt - w.last("websocket").startedAt, 300);
  await w.clock.advance(300);
  assert.deepEqual(w.created.map((t) => t.name), ["websocket", "sse", "polling"]);
  w.last("polling").handshake();
  assert.equal(e.transport.name, "polling");
  assert.ok(w.last("websocket").closed, "loser closed");
  assert.ok(w.last("sse").closed, "loser closed");
});

test("race: a WebSocket accepted but silent loses to SSE and is closed; a closed engine dismisses a late winner", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  await w.clock.advance(300);
  const ws = w.last("websocket");
  ws.channelUp(); // the proxy accepted the upgrade and then says nothing
  w.last("sse").handshake({ sid: "S" });
  assert.equal(e.transport.name, "sse");
  assert.equal(e.id, "S");
  assert.ok(ws.closed);
  assert.deepEqual(ws.sent, []);

  const e2 = engineIn(w);
  e2.close();
  assert.equal(e2.readyState, "closed");
  assert.ok(w.created.at(-1).closed, "closing while opening closes the candidates");
});

test("race: a failing transport starts the next one at once; all failing is an error then close", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  w.last("websocket").fail("refused");
  await flushMicrotasks();
  assert.deepEqual(w.created.map((t) => t.name), ["websocket", "sse"]);
  w.last("sse").fail("400");
  assert.deepEqual(w.created.map((t) => t.name), ["websocket", "sse", "polling"]);
  w.last("polling").fail("offline");
  assert.deepEqual(e.events.map((x) => x[0]), ["error", "close"]);
  assert.equal(e.events[0][1].message, "offline");
  assert.equal(e.readyState, "closed");
});

test("race: a bad first packet or a bad handshake counts as a failed transport", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  w.last("websocket").channelUp();
  w.last("websocket").receive("message", "hello");
  assert.equal(w.last("sse").name, "sse");
  w.last("sse").channelUp();
  w.last("sse").receive("open", "{not json");
  w.last("polling").handshake({ sid: "P" });
  assert.equal(e.transport.name, "polling");
  assert.equal(e.id, "P");
});

test("the winner is remembered per origin and raced first next time", async () => {
  const w = fakeWorld(Emitter);
  const e1 = engineIn(w);
  await w.clock.advance(300);
  w.last("sse").handshake();
  assert.equal(e1.transport.name, "sse");
  e1.close();
  const before = w.created.length;
  const e2 = engineIn(w);
  assert.deepEqual(w.created.slice(before).map((t) => t.name), ["sse"]);
  w.last("sse").handshake();
  assert.equal(e2.transport.name, "sse");
  // another origin does not share it
  const e3 = engineIn(w, { hostname: "other.test" });
  assert.equal(w.created.at(-1).name, "websocket");
  e3.close();
  // and it expires
  await w.clock.advance(25 * 3600 * 1000);
  engineIn(w);
  assert.equal(w.created.at(-1).name, "websocket");
});

test("memory works without localStorage and with a storage that throws", async () => {
  for (const storage of [null, { getItem() { throw new Error("denied"); }, setItem() { throw new Error("quota"); } }]) {
    const w = fakeWorld(Emitter, { storage });
    const e = engineIn(w, { hostname: "nostorage-" + (storage ? "throws" : "none") });
    w.last("websocket").fail();
    w.last("sse").handshake();
    assert.equal(e.transport.name, "sse");
    e.close();
    engineIn(w, { hostname: "nostorage-" + (storage ? "throws" : "none") });
    assert.equal(w.created.at(-1).name, "sse");
  }
});

test("heartbeat: pings are answered; an overdue ping closes with 'ping timeout' and demotes the silent transport", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  const ws = w.last("websocket");
  ws.handshake({ pingInterval: 1000, pingTimeout: 500 });
  await w.clock.advance(900);
  ws.receive("ping");
  await flushMicrotasks();
  assert.deepEqual(ws.sent.filter((p) => p.type === "pong").length, 1);
  await w.clock.advance(1499);
  assert.equal(e.readyState, "open");
  await w.clock.advance(1);
  assert.deepEqual(e.events.filter((x) => x[0] === "close").map((x) => x[1]), ["ping timeout"]);
  // next time the silent transport is raced last
  const before = w.created.length;
  engineIn(w);
  assert.equal(w.created[before].name, "sse");
});

test("heartbeat: a timer that fires late (throttled tab) does not declare a timeout while pings flow", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  const ws = w.last("websocket");
  ws.handshake({ pingInterval: 1000, pingTimeout: 500 });
  // pings keep arriving but the check timer is delayed: simulate by moving wall time without running timers
  for (let i = 0; i < 5; i++) {
    w.clock.t += 1000;
    ws.receive("ping");
  }
  await w.clock.advance(0);
  assert.equal(e.readyState, "open");
  // a frozen tab: the timer runs 10 s late and queued pings have not been delivered yet
  w.clock.t += 10000;
  await w.clock.advance(0);
  assert.equal(e.readyState, "open", "a very late timer gets a grace period");
  ws.receive("ping");
  await w.clock.advance(1000);
  assert.equal(e.readyState, "open");
  await w.clock.advance(1500);
  assert.equal(e.readyState, "closed");
});

test("upgrade: probe over the better transport, then switch and flush what was buffered", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["websocket", "polling"], negotiation: "upgrade" });
  assert.equal(w.created[0].name, "websocket");
  e.close();
  const w2 = fakeWorld(Emitter);
  const e2 = engineIn(w2, { transports: ["polling", "websocket"], negotiation: "upgrade" });
  // with negotiation "upgrade" the official order is kept: polling first
  const poll = w2.last("polling");
  poll.handshake({ upgrades: ["websocket"] });
  const ws = w2.last("websocket");
  assert.equal(ws.sid, "sid-polling");
  ws.channelUp();
  assert.deepEqual(ws.sent, [{ type: "ping", data: "probe" }]);
  e2.write("during-probe");
  ws.receive("pong", "probe");
  await flushMicrotasks();
  assert.equal(e2.transport.name, "websocket");
  assert.deepEqual(ws.sent.map((p) => p.type), ["ping", "upgrade", "message"]);
  assert.deepEqual(ws.messages(), ["during-probe"]);
  assert.ok(poll.closed);
  assert.ok(e2.events.some((x) => x[0] === "upgrade"));
});

test("race: after winning on SSE, a WebSocket upgrade offered by the server is probed; a failed probe keeps SSE", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  w.last("websocket").fail();
  w.last("sse").handshake({ upgrades: ["websocket"] });
  const probe = w.last("websocket");
  assert.equal(probe.sid, "sid-sse");
  probe.fail("blackholed");
  assert.equal(e.transport.name, "sse");
  assert.ok(e.events.some((x) => x[0] === "upgradeError"));
  e.write("still works");
  assert.deepEqual(w.last("sse").messages(), ["still works"]);
});

test("upgrade: a probe that never answers times out and the session stays", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling", "websocket"], negotiation: "upgrade", upgradeTimeout: 2000 });
  w.last("polling").handshake({ upgrades: ["websocket"], pingInterval: 60000 });
  w.last("websocket").channelUp();
  await w.clock.advance(2000);
  assert.equal(e.transport.name, "polling");
  assert.ok(w.last("websocket").closed);
  assert.ok(e.events.some((x) => x[0] === "upgradeError"));
});

test("upgrade mode without tryAllTransports opens only the first transport; with it, the next on failure", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["websocket", "polling"], negotiation: "upgrade" });
  w.last("websocket").fail();
  assert.equal(e.readyState, "closed");
  assert.equal(w.created.length, 1);
  const e2 = engineIn(w, { transports: ["websocket", "polling"], negotiation: "upgrade", tryAllTransports: true });
  await w.clock.advance(5000);
  assert.equal(w.created.length, 2, "no head start race in upgrade mode");
  w.last("websocket").fail();
  w.last("polling").handshake();
  assert.equal(e2.transport.name, "polling");
});

test("writes wait for drain and respect maxPayload on HTTP transports", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling"] });
  const p = w.last("polling");
  p.handshake({ maxPayload: 10 });
  e.write("aaaa");
  e.write("bbbb");
  e.write("cccc");
  assert.deepEqual(p.messages(), ["aaaa"]);
  await flushMicrotasks();
  assert.deepEqual(p.messages(), ["aaaa", "bbbb", "cccc"]);
});

test("before a winner, transport names the latest candidate and writes wait for the handshake", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  assert.equal(e.transport.name, "websocket");
  w.last("websocket").channelUp();
  e.write("early");
  assert.deepEqual(w.last("websocket").sent, []);
  await w.clock.advance(300);
  assert.equal(e.transport.name, "sse");
  w.last("sse").handshake();
  await flushMicrotasks();
  assert.deepEqual(w.last("sse").messages(), ["early"]);
});

test("official-style transports order ['polling', 'websocket'] in race mode still upgrades to WebSocket", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling", "websocket"] });
  assert.equal(w.created[0].name, "polling");
  w.last("polling").handshake({ upgrades: ["websocket"] });
  const ws = w.last("websocket");
  ws.channelUp();
  ws.receive("pong", "probe");
  await flushMicrotasks();
  assert.equal(e.transport.name, "websocket");
});

test("race: a candidate failing while an earlier one still hangs starts the next at once", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w);
  await w.clock.advance(300);
  w.last("websocket").channelUp(); // blackholed: open, silent
  w.last("sse").fail("400");
  assert.deepEqual(w.created.map((t) => t.name), ["websocket", "sse", "polling"]);
  assert.equal(w.clock.now() - w.last("polling").startedAt, 0);
  w.last("polling").handshake();
  assert.equal(e.transport.name, "polling");
  assert.ok(w.last("websocket").closed);
});

test("an upgrade abandoned after the probe answer resumes the paused transport; nothing is lost", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling", "websocket"], negotiation: "upgrade" });
  const poll = w.last("polling");
  poll.handshake({ upgrades: ["websocket"], pingInterval: 60000 });
  poll.holdPause = true; // its GET is still out
  const ws = w.last("websocket");
  ws.channelUp();
  ws.receive("pong", "probe");
  assert.equal(poll.paused, true);
  e.write("during the pause");
  assert.deepEqual(poll.messages(), []);
  ws.fail("dropped");
  assert.equal(poll.resumed, true);
  assert.equal(poll.paused, false);
  assert.equal(e.transport.name, "polling");
  poll.pendingPause(); // the late pause callback changes nothing
  await flushMicrotasks();
  assert.equal(e.transport.name, "polling");
  assert.deepEqual(poll.messages(), ["during the pause"]);
  assert.deepEqual(ws.sent.map((p) => p.type), ["ping"]);
});

test("upgrade to SSE: the client switches only once its probe POST is answered, even if 3probe comes first", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling", "sse"], negotiation: "upgrade" });
  const poll = w.last("polling");
  poll.handshake({ upgrades: ["sse"], pingInterval: 60000 });
  const sse = w.last("sse");
  assert.equal(sse.sid, "sid-polling");
  sse.holdDrain = true; // the server has not answered the probe POST yet
  sse.channelUp();
  assert.deepEqual(sse.sent, [{ type: "ping", data: "probe" }]);
  sse.receive("pong", "probe"); // the stream carries 3probe before the POST's "ok"
  await flushMicrotasks();
  assert.equal(poll.paused, true, "polling pauses on 3probe");
  e.write("during the upgrade");
  await w.clock.advance(1000);
  assert.equal(e.transport.name, "polling", "no switch while the probe POST is unanswered");
  assert.deepEqual(sse.sent.map((p) => p.type), ["ping"], "no second POST on the new transport");
  assert.deepEqual(poll.messages(), []);
  assert.ok(!e.events.some((x) => x[0] === "upgrade"));

  sse.answerPost();
  await flushMicrotasks();
  assert.equal(e.transport.name, "sse");
  assert.ok(poll.closed);
  assert.deepEqual(sse.sent.map((p) => p.type), ["ping", "upgrade"], "the upgrade packet, alone in its POST");
  sse.answerPost();
  await flushMicrotasks();
  assert.deepEqual(sse.sent.map((p) => p.type), ["ping", "upgrade", "message"]);
  assert.deepEqual(sse.messages(), ["during the upgrade"]);
  assert.deepEqual(e.events.filter((x) => x[0] === "upgrade").length, 1);
});

test("upgrade to SSE: a probe POST that fails after 3probe abandons the upgrade and resumes polling", async () => {
  const w = fakeWorld(Emitter);
  const e = engineIn(w, { transports: ["polling", "sse"], negotiation: "upgrade" });
  const poll = w.last("polling");
  poll.handshake({ upgrades: ["sse"], pingInterval: 60000 });
  const sse = w.last("sse");
  sse.holdDrain = true;
  sse.channelUp();
  sse.receive("pong", "probe");
  e.write("kept");
  sse.fail("400");
  await flushMicrotasks();
  assert.equal(e.transport.name, "polling");
  assert.equal(poll.resumed, true);
  assert.ok(e.events.some((x) => x[0] === "upgradeError"));
  assert.deepEqual(poll.messages(), ["kept"]);
  assert.deepEqual(sse.sent.map((p) => p.type), ["ping"]);
});
