// The bundled client against the Node reference socket.io 4.8 server (polling and WebSocket).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadClient, startReferenceServer, once, WebSocket } from "./helpers.js";

const { io, Manager } = await loadClient();
const srv = await startReferenceServer({ pingInterval: 300, pingTimeout: 1000 });
after(() => srv.close());

srv.io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const cb = args.pop();
    cb(...args);
  });
  socket.on("tell", (ev, ...args) => socket.emit(ev, ...args));
  socket.on("whoami", (cb) => cb({ auth: socket.handshake.auth, query: socket.handshake.query, transport: socket.conn.transport.name }));
  socket.on("kick", () => socket.disconnect(true));
  socket.on("never-ack", () => {});
});

const base = (extra) => Object.assign({ forceNew: true, WebSocket, reconnectionDelay: 50, reconnectionDelayMax: 200 }, extra);
const sockets = [];
function client(uri, opts) {
  const s = io(uri, base(opts));
  sockets.push(s);
  return s;
}
after(() => sockets.forEach((s) => s.disconnect()));

async function connected(s) {
  if (!s.connected) await once(s, "connect");
  return s;
}

for (const transport of ["polling", "websocket"]) {
  test(`${transport} alone: events, acks and nested binary both ways`, async () => {
    const s = await connected(client(srv.url, { transports: [transport] }));
    assert.equal(s.io.engine.transport.name, transport);
    assert.match(s.id, /^[\w-]{20}$/);
    const blob = new Blob([new Uint8Array([7, 8, 9])]);
    const reply = await s.emitWithAck("echo", "héllo\r\n\u2028😀", {
      ab: new Uint8Array([1, 2, 3]).buffer,
      view: new Uint16Array([258]),
      list: [blob, { deep: new Uint8Array([4]) }],
    });
    // wait: emitWithAck resolves with the first argument only
    assert.equal(reply, "héllo\r\n\u2028😀");
    const [, obj] = await new Promise((resolve) => s.emit("echo", "x", { b: new Uint8Array([5, 6]), blob }, (...a) => resolve(a)));
    assert.deepEqual([...new Uint8Array(obj.b)], [5, 6]);
    assert.deepEqual([...new Uint8Array(obj.blob)], [7, 8, 9]);
    s.emit("tell", "news", 1, new Uint8Array([42]));
    const [n, bin] = await once(s, "news");
    assert.equal(n, 1);
    assert.ok(bin instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(bin)], [42]);
  });
}

test("default negotiation ends on WebSocket and the server sees a websocket session", async () => {
  const s = await connected(client(srv.url));
  assert.equal(s.io.engine.transport.name, "websocket");
  const who = await s.emitWithAck("whoami");
  assert.equal(who.transport, "websocket");
});

test("WebSocket refused: the race falls back (SSE is unknown to the Node server) and connects on polling quickly", async () => {
  class RefusedWebSocket {
    constructor() {
      setTimeout(() => this.onerror && this.onerror(new Error("refused")), 5);
    }
    send() {}
    close() {}
  }
  const started = Date.now();
  const s = await connected(client(srv.url, { WebSocket: RefusedWebSocket }));
  assert.ok(Date.now() - started < 1500, "connected within 1.5 s");
  assert.equal(s.io.engine.transport.name, "polling");
  assert.equal((await s.emitWithAck("whoami")).transport, "polling");
});

test("WebSocket blackholed (accepted, never answers): connected on another transport within 1.5 s", async () => {
  class BlackholeWebSocket {
    constructor() {
      setTimeout(() => this.onopen && this.onopen(), 5);
    }
    send() {}
    close() {}
  }
  const started = Date.now();
  const s = await connected(client(srv.url, { WebSocket: BlackholeWebSocket, upgrade: false }));
  assert.ok(Date.now() - started < 1500, "connected within 1.5 s");
  assert.equal(s.io.engine.transport.name, "polling");
});

test("upgrade mode reproduces the official client: polling first, then upgrade to WebSocket", async () => {
  const s = client(srv.url, { negotiation: "upgrade", transports: ["polling", "websocket"] });
  await connected(s);
  assert.equal(s.io.engine.transport.name, "polling");
  const [t] = await once(s.io.engine, "upgrade");
  assert.equal(t.name, "websocket");
  assert.equal((await s.emitWithAck("whoami")).transport, "websocket");
});

test("namespaces share one Manager and one session per origin", async () => {
  const path = "/mux-" + Date.now();
  srv.io.of("/a").on("connection", (so) => so.on("ping2", (cb) => cb("a")));
  srv.io.of("/b").on("connection", (so) => so.on("ping2", (cb) => cb("b")));
  const a = io(srv.url + "/a", { WebSocket, transports: ["websocket"] });
  const b = io(srv.url + "/b", { WebSocket, transports: ["websocket"] });
  sockets.push(a, b);
  assert.equal(a.io, b.io);
  assert.ok(a.io instanceof Manager);
  await Promise.all([connected(a), connected(b)]);
  assert.deepEqual([await a.emitWithAck("ping2"), await b.emitWithAck("ping2")], ["a", "b"]);
  assert.ok(path);
});

test("auth (object and function), query and a middleware refusal as connect_error", async () => {
  const s = await connected(client(srv.url, { auth: { token: "abc" }, query: { room: "r1" }, transports: ["polling"] }));
  const who = await s.emitWithAck("whoami");
  assert.deepEqual(who.auth, { token: "abc" });
  assert.equal(who.query.room, "r1");
  const s2 = await connected(client(srv.url, { auth: (cb) => cb({ token: "fn" }) }));
  assert.deepEqual((await s2.emitWithAck("whoami")).auth, { token: "fn" });

  srv.io.of("/guarded").use((socket, next) => {
    const err = new Error("not authorized");
    err.data = { reason: "no token" };
    next(err);
  });
  const g = client(srv.url + "/guarded");
  const [err] = await once(g, "connect_error");
  assert.equal(err.message, "not authorized");
  assert.deepEqual(err.data, { reason: "no token" });
  assert.equal(g.connected, false);
});

test("disconnect reasons: server kick (no reconnection) and client disconnect", async () => {
  const s = await connected(client(srv.url));
  s.emit("kick");
  const [reason] = await once(s, "disconnect");
  assert.equal(reason, "io server disconnect");
  assert.equal(s.active, false);
  const s2 = await connected(client(srv.url));
  const d = once(s2, "disconnect");
  s2.disconnect();
  assert.deepEqual((await d)[0], "io client disconnect");
});

test("timeout(ms).emit reports an error when the server never acknowledges; ping events flow", async () => {
  const s = await connected(client(srv.url));
  const [err] = await new Promise((resolve) => s.timeout(100).emit("never-ack", (...a) => resolve(a)));
  assert.equal(err.message, "operation has timed out");
  await assert.rejects(s.timeout(100).emitWithAck("never-ack"), /timed out/);
  await once(s.io, "ping", 3000);
});

test("server restart: the client reconnects by itself and emits made while down are delivered", async () => {
  const http = createServer();
  const { Server } = await import("socket.io");
  let ioServer = new Server(http);
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  const port = http.address().port;
  const got = [];
  const wire = (ioS) => ioS.on("connection", (so) => so.on("note", (x) => got.push(x)));
  wire(ioServer);
  const s = await connected(client("http://127.0.0.1:" + port, { reconnectionDelay: 100 }));
  const firstId = s.id;
  const disconnected = once(s, "disconnect");
  ioServer.close();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  const [reason] = await disconnected;
  assert.ok(["transport close", "transport error"].includes(reason), reason);
  s.emit("note", "sent while down");
  const http2 = createServer();
  ioServer = new Server(http2);
  wire(ioServer);
  await new Promise((r) => http2.listen(port, "127.0.0.1", r));
  const reconnected = once(s.io, "reconnect", 10000);
  await once(s, "connect", 10000);
  await reconnected;
  assert.notEqual(s.id, firstId);
  await new Promise((resolve) => {
    const check = () => (got.includes("sent while down") ? resolve() : setTimeout(check, 10));
    check();
  });
  s.disconnect();
  ioServer.close();
  http2.closeAllConnections();
});

test("connection state recovery: after a transport drop the socket is recovered and missed events replayed", async () => {
  const http = createServer();
  const { Server } = await import("socket.io");
  const ioServer = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 10000 } });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  const port = http.address().port;
  ioServer.on("connection", (so) => {
    so.join("room");
    so.on("drop", () => so.conn.close());
  });
  const s = await connected(client("http://127.0.0.1:" + port, { reconnectionDelay: 50, transports: ["websocket"] }));
  assert.equal(s.recovered, false);
  const id = s.id;
  ioServer.to("room").emit("before", 0); // broadcasts carry the offset the client resumes from
  await once(s, "before");
  s.emit("drop");
  await once(s, "disconnect");
  ioServer.to("room").emit("missed", 1);
  const missed = once(s, "missed", 5000);
  await once(s, "connect", 5000);
  assert.equal(s.recovered, true);
  assert.equal(s.id, id);
  const [v] = await missed;
  assert.equal(v, 1);
  s.disconnect();
  ioServer.close();
  http.closeAllConnections();
});

test("custom path and a Manager built directly", async () => {
  const http = createServer();
  const { Server } = await import("socket.io");
  const ioServer = new Server(http, { path: "/rt" });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  ioServer.on("connection", (so) => so.emit("hi"));
  const m = new Manager("http://127.0.0.1:" + http.address().port, { path: "/rt", WebSocket });
  const s = m.socket("/");
  await once(s, "hi");
  s.disconnect();
  ioServer.close();
  http.closeAllConnections();
});

test("a WebSocket that goes silent after opening is abandoned: ping timeout, then reconnected on another transport", async () => {
  const own = await startReferenceServer({ pingInterval: 200, pingTimeout: 300 });
  try {
    own.io.on("connection", (so) => so.on("echo", (x, cb) => cb(x)));
    let silence = false;
    // a proxy that keeps the WebSocket open but stops passing anything down once told to
    // (nothing at all reaches the client then: neither messages nor the server's close)
    class GoesSilent extends WebSocket {
      set onmessage(fn) {
        super.onmessage = fn && ((ev) => !silence && fn(ev));
      }
      set onclose(fn) {
        super.onclose = fn && ((ev) => !silence && fn(ev));
      }
    }
    const s = client(own.url, { WebSocket: GoesSilent, reconnectionDelay: 50, randomizationFactor: 0 });
    await connected(s);
    assert.equal(s.io.engine.transport.name, "websocket");
    const disconnected = once(s, "disconnect", 3000);
    silence = true;
    const [reason] = await disconnected;
    assert.equal(reason, "ping timeout");
    await once(s, "connect", 5000);
    assert.equal(s.io.engine.transport.name, "polling", "the silent WebSocket is tried last now");
    assert.equal(await s.emitWithAck("echo", "after"), "after");
  } finally {
    await own.close();
  }
});
