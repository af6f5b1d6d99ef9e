// The shared connection's routing (SharedHub, SharedSocket, LeaderLink) under Node: a fake Web
// Locks manager, Node's BroadcastChannel, a reference socket.io server. A "tab" is a SharedSocket
// with its own LeaderLink; closing one drops its connection the way a closed page does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, startReferenceServer, once, WebSocket } from "./helpers.js";

const { _internals } = await loadClient();
const { SharedSocket, LeaderLink } = _internals;

/** navigator.locks for one name at a time: request(name, fn) runs fn when the lock is free. */
function fakeLocks() {
  const queues = new Map();
  const grant = (name) => {
    const q = queues.get(name);
    if (!q || q.held || !q.waiting.length) return;
    const next = q.waiting.shift();
    q.held = next;
    Promise.resolve().then(() => !(next.tab && next.tab.dead) && next.fn());
  };
  return {
    request(name, fn) {
      if (!queues.has(name)) queues.set(name, { held: null, waiting: [] });
      const owner = { fn };
      queues.get(name).waiting.push(owner);
      grant(name);
      return owner;
    },
    /** The page of `owner` went away. */
    releaseAll(isMine) {
      for (const [name, q] of queues) {
        q.waiting = q.waiting.filter((w) => !isMine(w));
        if (q.held && isMine(q.held)) q.held = null;
        grant(name);
      }
    },
  };
}

let channelSeq = 0;

function openTabs(url, locks, n, extra = {}) {
  const key = "test-" + ++channelSeq;
  const tabs = [];
  for (let i = 0; i < n; i++) {
    const links = [];
    const tab = new SharedSocket(url, key, Object.assign({ transports: ["websocket"], WebSocket, reconnection: false }, extra),
      (t, k) => {
        const env = {
          BroadcastChannel,
          locks: { request: (name, fn) => { const o = locks.request(name, fn); o.tab = t; return o; } },
        };
        const link = new LeaderLink(t, k, env);
        links.push(link);
        return link;
      });
    tab.link = links[0];
    tabs.push(tab);
  }
  return tabs;
}

/** What a closed page does: its channel and its locks go, its connection drops (no disconnect packet). */
function closeTab(tab, locks) {
  tab.dead = true;
  tab.link.ch.close();
  const hub = tab.link.hub;
  if (hub) {
    hub.post = () => {};
    hub.socket.io.skipReconnect = true;
    hub.socket.io.engine.close();
  }
  tab._active = false;
  locks.releaseAll((o) => o.tab === tab);
}

const closeAll = (tabs, locks) => tabs.forEach((t) => closeTab(t, locks));

test("three tabs, one server socket: broadcasts reach all, each ack goes back to the tab that asked", async () => {
  const srv = await startReferenceServer();
  srv.io.on("connection", (s) => {
    s.on("echo", (v, ack) => ack(v));
    s.on("ask", (ack) => s.emit("question", 41, (answer) => ack(answer)));
  });
  const locks = fakeLocks();
  const tabs = openTabs(srv.url, locks, 3);
  try {
    await Promise.all(tabs.map((t) => (t.connected ? null : once(t, "connect"))));
    assert.equal(srv.io.engine.clientsCount, 1);
    assert.equal(new Set(tabs.map((t) => t.id)).size, 1);
    const got = tabs.map((t) => once(t, "news"));
    srv.io.emit("news", "hi");
    for (const g of got) assert.deepEqual(await g, ["hi"]);
    const answers = await Promise.all(tabs.map((t) => t.timeout(3000).emitWithAck("echo", t.tabId)));
    assert.deepEqual(answers, tabs.map((t) => t.tabId));
    // The server asks and one tab answers for all.
    tabs[2].on("question", (n, ack) => ack(n + 1));
    assert.equal(await tabs[1].timeout(3000).emitWithAck("ask"), 42);
  } finally {
    closeAll(tabs, locks);
    await srv.close();
  }
});

test("the leader tab closes: the next tab connects and, with recovery, resumes without losing a broadcast", async () => {
  const srv = await startReferenceServer({ connectionStateRecovery: { maxDisconnectionDuration: 30000 } });
  srv.io.on("connection", (s) => s.on("echo", (v, ack) => ack(v)));
  const locks = fakeLocks();
  const tabs = openTabs(srv.url, locks, 3);
  try {
    await Promise.all(tabs.map((t) => (t.connected ? null : once(t, "connect"))));
    const firstId = tabs[1].id;
    const seen = [[], [], []];
    tabs.forEach((t, i) => t.on("n", (n) => seen[i].push(n)));
    let i = 0;
    const timer = setInterval(() => srv.io.emit("n", ++i), 5);
    await new Promise((r) => tabs[1].on("n", (n) => n === 20 && r()));
    closeTab(tabs[0], locks);
    await new Promise((r) => tabs[1].on("n", (n) => n === 60 && r()));
    clearInterval(timer);
    await new Promise((r) => (seen[2].includes(i) ? r() : tabs[2].on("n", (n) => n === i && r())));
    assert.ok(tabs[1].connected && tabs[1].recovered, "the new leader resumed the session");
    assert.equal(tabs[1].id, firstId);
    for (const k of [1, 2]) assert.deepEqual(seen[k], Array.from({ length: i }, (_, j) => j + 1));
    assert.equal(await tabs[2].timeout(3000).emitWithAck("echo", "after"), "after");
  } finally {
    closeAll(tabs, locks);
    await srv.close();
  }
});

test("messages a hub cannot use are ignored", async () => {
  const srv = await startReferenceServer();
  const locks = fakeLocks();
  const [tab] = openTabs(srv.url, locks, 1);
  try {
    await once(tab, "connect");
    for (const m of [null, 5, "x", { t: "emit" }, { t: "emit", args: [] }, { t: "sa", k: 99 }, { t: "a", n: 7 }]) {
      tab.link.onMessage(m);
      tab.link.hub.receive(m);
      tab._receive(m);
    }
    assert.ok(tab.connected);
  } finally {
    closeTab(tab, locks);
    await srv.close();
  }
});
