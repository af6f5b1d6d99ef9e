// socket.io-client with default options against a Belay engine that advertises "sse": connects,
// upgrades to websocket, emits with an ack and gets the echo.
// Usage: node sse-negotiation-sio.js <port>; prints JSON lines.
import { io } from "socket.io-client";

const port = process.argv[2];
const socket = io(`http://127.0.0.1:${port}`, { path: "/engine.io/", reconnection: false });
const engine = socket.io.engine;
const out = (o) => console.log(JSON.stringify(o));
const timer = setTimeout(() => { out({ error: "timeout" }); process.exit(2); }, 15000);
let connected = false;
let upgraded = false;

function roundTrip() {
  if (!connected || !upgraded) return;
  socket.emit("echo", "round trip", (answer) => {
    out({ ack: answer, transport: engine.transport.name });
    clearTimeout(timer);
    socket.disconnect();
    process.exit(0);
  });
}

let advertised;
engine.on("handshake", (data) => { advertised = data.upgrades; });
engine.on("open", () => out({ open: engine.transport.name, upgrades: advertised }));
engine.on("upgrade", (t) => { out({ upgraded: t.name }); upgraded = true; roundTrip(); });
socket.on("connect", () => { out({ connected: true }); connected = true; roundTrip(); });
socket.on("connect_error", (e) => { out({ error: String(e) }); process.exit(1); });
