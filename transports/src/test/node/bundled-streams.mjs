// Large-data transfers with the bundled client under Node against Belay (socket.stream / onStream).
// Usage: node bundled-streams.mjs <path of socket.io.esm.js> <base url> <transport> <mode> <bytes> [readDelayMs] [chaos]
// With "chaos" the client reconnects quickly (the url is a cutting proxy; the server recovers sessions).
// Modes: upload (client -> server "upload"), download (asks the server for "download"),
//        plain-upload / plain-download (the same bytes as one HTTP POST / GET on the same server, the floor),
//        corrupt (hand-written belay:* events with a wrong SHA-256), cut (uploads half, then disconnects).
// Prints "OK <mode> <bytes> <sha256>" and "DONE"; exits non-zero on any failure.
import { createHash, randomFillSync } from "node:crypto";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [clientPath, url, transport, mode, bytesArg, delayArg, chaos] = process.argv.slice(2);
const total = Number(bytesArg);
const readDelay = Number(delayArg || 0);
const { io } = await import(pathToFileURL(clientPath).href);

function fail(e) {
  console.log("FAIL " + (e && e.stack ? e.stack : e));
  process.exit(1);
}
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

const options = { forceNew: true, WebSocket, transports: [transport], reconnection: false };
if (chaos) Object.assign(options, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, timeout: 2000 });
if (mode.startsWith("plain-")) {
  const started = Date.now();
  let n = 0;
  if (mode === "plain-upload") {
    const body = randomFillSync(new Uint8Array(total));
    const res = await fetch(url + "/plain/upload", { method: "POST", body });
    const text = await res.text();
    if (res.status !== 200) fail("plain upload: " + res.status + " " + text);
    n = Number(text);
  } else {
    const res = await fetch(url + "/plain/download?n=" + total);
    if (res.status !== 200) fail("plain download: " + res.status);
    for await (const chunk of res.body) n += chunk.length;
  }
  if (n !== total) fail("plain transfer of " + n + " bytes, wanted " + total);
  console.log("OK " + mode + " " + n + " - " + (Date.now() - started) + "ms");
  console.log("DONE");
  process.exit(0);
}
const startedAt = Date.now();
const socket = io(url, options);
let reconnects = 0;
let notRecovered = 0;
let bytesSent = 0;
socket.io.on("reconnect", () => reconnects++);
let connects = 0;
let lastPid; // the session the next reconnection asks to resume
socket.on("connect", () => {
  connects++;
  // The first connect has nothing to resume, even after a reconnection (a cut before its CONNECT reply).
  if (connects > 1 && !socket.recovered) {
    notRecovered++;
    // What the user would need to tell why: which connect, and whether the client had a session to resume.
    console.error("not recovered: connect #" + connects + " after " + reconnects + " reconnects, id " + socket.id
      + ", asked to resume " + lastPid + " at " + (Date.now() - startedAt) + " ms");
  }
  lastPid = socket._pid;
});
await new Promise((resolve, reject) => {
  socket.once("connect", resolve);
  // Through the cutting proxy the first attempts may be cut too; the client retries them.
  if (!chaos) socket.once("connect_error", reject);
});

async function upload(bytes) {
  const out = socket.stream("upload", { size: bytes, transport });
  const hash = createHash("sha256");
  const block = new Uint8Array(256 * 1024);
  for (let sent = 0; sent < bytes; ) {
    const n = Math.min(block.length, bytes - sent);
    const data = randomFillSync(new Uint8Array(n));
    hash.update(data);
    await out.write(data);
    sent += n;
  }
  const size = await out.end();
  bytesSent = out.bytesSent;
  return [size, hash.digest("hex")];
}

async function download(bytes) {
  const got = new Promise((resolve, reject) => {
    socket.onStream("download", async (meta, t) => {
      try {
        const hash = createHash("sha256");
        let n = 0;
        for await (const chunk of t.readable) {
          hash.update(chunk);
          n += chunk.length;
          if (readDelay) await new Promise((r) => setTimeout(r, readDelay)); // a slow reader, on purpose
        }
        const size = await t.done;
        if (size !== n || size !== meta.size) throw new Error("read " + n + ", done " + size + ", announced " + meta.size);
        resolve([size, hash.digest("hex")]);
      } catch (e) {
        reject(e);
      }
    });
  });
  // The server says when its end() completed: only then has it seen our confirmation.
  const confirmed = new Promise((resolve) => socket.once("sent", resolve));
  socket.emit("send-me", bytes);
  const result = await got;
  await confirmed;
  return result;
}

async function corrupt() {
  // A sender that lies about the checksum: the server must never report the transfer complete.
  socket.onStream("unused", () => {});
  const id = "c-corrupt";
  const verdict = new Promise((resolve) => socket.once("verdict", resolve));
  socket.emit("belay:stream", { id, name: "upload", meta: { size: 3 } });
  socket.emit("belay:chunk", id, 0, new Uint8Array([1, 2, 3]));
  socket.emit("belay:end", { id, size: 3, sha256: "00".repeat(32) });
  return [await verdict, "-"];
}

async function cut(bytes) {
  const out = socket.stream("upload", { size: bytes * 2 });
  await out.write(randomFillSync(new Uint8Array(bytes)));
  const failed = out.done.then(() => { throw new Error("completed after a cut"); }, (e) => e.message);
  socket.io.engine.close(); // the connection drops; no recovery, no reconnection
  return [await failed, "-"];
}

const started = Date.now();
const [size, sha] = mode === "upload" ? await upload(total)
  : mode === "download" ? await download(total)
  : mode === "corrupt" ? await corrupt()
  : await cut(total);
console.log("OK " + mode + " " + size + " " + sha + " " + (Date.now() - started) + "ms reconnects=" + reconnects
  + " notRecovered=" + notRecovered + " bytesSent=" + bytesSent);
socket.disconnect();
console.log("DONE");
process.exit(0);
