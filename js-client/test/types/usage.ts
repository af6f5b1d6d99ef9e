// Compiled (not run) by types.test.js against socket.io.d.ts: a page's typical use must type-check.
import io, { Manager, Socket, type DisconnectReason } from "./socket.io.esm.js";

const socket: Socket = io("https://example.test/chat", {
  transports: ["websocket", "sse", "polling"],
  auth: (cb) => cb({ token: "t" }),
  reconnectionDelayMax: 10000,
  ackTimeout: 5000,
  retries: 3,
  maxBufferedEmits: 200,
});
socket.on("connect", () => console.log(socket.id, socket.recovered));
socket.on("disconnect", (reason: DisconnectReason, details) => console.log(reason, details));
socket.on("connect_error", (err) => console.log(err.message, err.data));
socket.emit("hello", { bin: new Uint8Array([1]) }, (reply: unknown) => console.log(reply));
socket.timeout(1000).emit("slow", (err: Error | null) => console.log(err));
const reply: Promise<unknown> = socket.volatile.emitWithAck("ask");
socket.onAny((event, ...args) => console.log(event, args));
const refused: number = socket.droppedEmits;
const name: string = socket.io.engine.transport.name;
socket.io.on("reconnect_attempt", (n: number) => console.log(n));
socket.io.on("ping", () => {});
const m = new Manager("https://example.test", { negotiation: "upgrade", rememberUpgrade: true });
m.socket("/admin").connect().disconnect();
const g: typeof globalThis.io = globalThis.io;
console.log(reply, name, g, refused);
