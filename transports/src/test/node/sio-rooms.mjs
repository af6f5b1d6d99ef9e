// node sio-rooms.mjs <url> <mode>
// Five clients: three join "red", two join "blue". A broadcast to "red" reaches exactly the three
// reds; socket.to("red") from one red reaches the two others. Each client then gets a sentinel
// broadcast to everyone: what it has not received before the sentinel, it never will (one
// client's packets arrive in order).
import { watchdog, options, connect, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode] = process.argv.slice(2);
const rooms = ["red", "red", "red", "blue", "blue"];
const clients = [];
for (const room of rooms) {
  const socket = await connect(url, options(mode));
  const received = [];
  let sentinel;
  const sawSentinel = new Promise((resolve) => (sentinel = resolve));
  socket.onAny((event, arg) => (event === "sentinel" ? sentinel(received) : received.push(event + ":" + arg)));
  await ackAll(socket, "join", room);
  clients.push({ socket, room, sawSentinel });
}

await ackAll(clients[0].socket, "news-to", "red", "for red");
clients[0].socket.emit("shout", "red", "from red 0");
await ackAll(clients[0].socket, "sentinel-please");

const results = await Promise.all(clients.map((c) => c.sawSentinel));
results.forEach((received, i) => {
  const expected =
    i === 0 ? ["news:for red"] : rooms[i] === "red" ? ["news:for red", "shout:from red 0"] : [];
  check("client " + i + " (" + rooms[i] + ") got exactly " + JSON.stringify(expected),
      JSON.stringify(received) === JSON.stringify(expected), received);
});

clients.forEach((c) => c.socket.disconnect());
console.log("DONE");
process.exit(0);
