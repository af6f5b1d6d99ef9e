// Runs the official engine.io-client against a Belay echo engine and prints one JSON line.
// usage: node eio-echo.mjs <http://host:port> <polling|websocket|default>
import { Socket } from "engine.io-client";

const [url, mode] = process.argv.slice(2);
const transports = mode === "polling" ? ["polling"] : mode === "websocket" ? ["websocket"] : ["polling", "websocket"];
const result = { opened: false, upgradedTo: null, transports: [], text: null, binary: null };
const socket = new Socket(url, { path: "/engine.io/", transports });
const timer = setTimeout(() => finish("timeout"), 8000);

function finish(error) {
  clearTimeout(timer);
  result.error = error ?? null;
  result.finalTransport = socket.transport?.name ?? null;
  console.log(JSON.stringify(result));
  socket.close();
  process.exit(error ? 1 : 0);
}

function exchange() {
  const got = [];
  socket.on("message", (data) => {
    got.push(data);
    if (typeof data === "string") result.text = data;
    else result.binary = Array.from(new Uint8Array(data));
    if (got.length === 2) finish();
  });
  socket.send("hello \u00e9\ud83d\ude00");
  socket.send(Uint8Array.from([1, 2, 3, 255]));
}

socket.on("open", () => {
  result.opened = true;
  result.transports.push(socket.transport.name);
  if (mode === "default") {
    socket.on("upgrade", (t) => {
      result.upgradedTo = t.name;
      exchange();
    });
  } else {
    exchange();
  }
});
socket.on("error", (e) => finish("error: " + e));
socket.on("close", (reason) => { if (!result.finalTransport) finish("closed: " + reason); });
