// The bench contract on Node socket.io 4.8 with its defaults; only the heartbeat is set, to
// Socket.IO's own 25000/20000, like the other servers. Usage: node --expose-gc server.js --port N
// Port N+1 answers GET /mem with the heap after a full GC, like the JVM servers' admin endpoint.
// With --redis redis://H:P the server is one node of a cluster on that Redis, through
// @socket.io/redis-streams-adapter 0.3.1 with its defaults (the cross-node fan-out benchmark).
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const host = opt("--host", "127.0.0.1");
const port = parseInt(opt("--port", "3000"), 10);
const redisUrl = opt("--redis", null);

const httpServer = http.createServer();
const io = new Server(httpServer, { pingInterval: 25000, pingTimeout: 20000, serveClient: false });

async function joinCluster() {
  const { createClient } = require("redis");
  const { createAdapter } = require("@socket.io/redis-streams-adapter");
  const redis = createClient({ url: redisUrl });
  redis.on("error", (err) => console.error("redis:", err.message));
  await redis.connect();
  io.adapter(createAdapter(redis));
}

io.on("connection", (socket) => {
  socket.join("all");
  socket.on("echo", (...args) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      last(...args.slice(0, -1));
    } else {
      socket.emit("echo", ...args);
    }
  });
  socket.on("broadcast", (...args) => {
    io.to("all").emit("tick", ...args);
  });
});

// A cluster node listens only once its adapter is in place, so no client lands on a lone node.
(redisUrl ? joinCluster() : Promise.resolve()).then(
  () => httpServer.listen(port, host, () =>
    console.log(`node socket.io listening on ${host}:${port}` + (redisUrl ? ` (cluster on ${redisUrl})` : ""))),
  (err) => {
    console.error("cannot join the cluster on " + redisUrl + ": " + err.message);
    process.exit(1);
  });

http.createServer((req, res) => {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ heapUsed: m.heapUsed, external: m.external, rss: m.rss }));
}).listen(port + 1, host);
