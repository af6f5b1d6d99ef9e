// engine.io-client with default options against a Belay server that advertises "sse" in its
// upgrades: it must ignore what it does not know, upgrade to websocket, and exchange messages.
// Usage: node sse-negotiation-eio.js <port>; prints JSON lines.
import { Socket } from "engine.io-client";

const port = process.argv[2];
const socket = new Socket(`http://127.0.0.1:${port}`, { path: "/engine.io/" });
const out = (o) => console.log(JSON.stringify(o));
const timer = setTimeout(() => { out({ error: "timeout" }); process.exit(2); }, 15000);

let advertised;
socket.on("handshake", (data) => { advertised = data.upgrades; });
socket.on("open", () => {
  out({ open: socket.transport.name, upgrades: advertised });
});
socket.on("upgrade", (t) => {
  out({ upgraded: t.name });
  socket.send("hello after upgrade");
});
socket.on("message", (data) => {
  out({ message: data, transport: socket.transport.name });
  clearTimeout(timer);
  socket.close();
});
socket.on("close", (reason) => { out({ close: reason }); process.exit(0); });
socket.on("error", (e) => { out({ error: String(e) }); process.exit(1); });
