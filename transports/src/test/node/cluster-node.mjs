// A Node Socket.IO 4.8 server in a Redis Streams cluster (@socket.io/redis-streams-adapter), with
// the same handlers as Belay's `cluster-node` example, for the cluster interop tests.
// Usage: node cluster-node.mjs redis://127.0.0.1:6379   -> prints "listening on <port>"
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createClient } from "redis";
import { createAdapter } from "@socket.io/redis-streams-adapter";

const redisClient = createClient({ url: process.argv[2] });
redisClient.on("error", () => {});
await redisClient.connect();

const httpServer = createServer();
const io = new Server(httpServer, {
  adapter: createAdapter(redisClient),
  cors: { origin: "*" },
  connectionStateRecovery: { maxDisconnectionDuration: 30_000 },
});

let port;
io.on("hello", (ack) => ack(`node-${port}`));
io.on("connection", (socket) => {
  if (socket.handshake.auth.room) socket.join(socket.handshake.auth.room);
  socket.on("broadcast", ({ room, msg }, ack) => {
    (room ? io.to(room) : io).emit("msg", msg);
    ack("ok");
  });
  socket.on("fetch", async (ack) => ack((await io.fetchSockets()).map((s) => s.id).sort()));
  socket.on("nodes", async (ack) => {
    try {
      // Node 4.8 has no timeout() for server-side emits: the adapter waits 5 s at most
      ack((await io.serverSideEmitWithAck("hello")).sort());
    } catch (e) {
      ack({ error: e.message });
    }
  });
  socket.on("ask-all", async ({ room }, ack) => {
    try {
      ack(await io.to(room).timeout(2000).emitWithAck("question"));
    } catch (e) {
      ack({ error: e.message });
    }
  });
  socket.on("join-all", (room, ack) => { io.socketsJoin(room); ack("ok"); });
  socket.on("disconnect-room", (room, ack) => { io.in(room).disconnectSockets(true); ack("ok"); });
});

httpServer.listen(0, "127.0.0.1", () => {
  port = httpServer.address().port;
  console.log(`listening on ${port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
