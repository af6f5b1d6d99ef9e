// The bundled Belay client under Node through a TCP proxy that loses one answer: the connection is
// cut as the answer arrives, as when a keep-alive connection closes under a browser. The client
// sends the numbered request again; nothing is lost, nothing is handled twice, no disconnect.
// Usage: node bundled-client-resend.mjs <path of socket.io.esm.js> <base url> <scenario>
//   scenario "poll": a poll answer carrying events is lost; "post": the "ok" of an event's POST is lost.
// Prints "OK ..." lines and "DONE" at the end; exits non-zero on any failure.
import assert from "node:assert/strict";
import net from "node:net";
import { pathToFileURL } from "node:url";

const [clientPath, url, scenario] = process.argv.slice(2);
const { io } = await import(pathToFileURL(clientPath).href);
const timer = setTimeout(() => fail(new Error("scenario " + scenario + " timed out")), 20000);

function fail(e) {
  console.log("FAIL " + (e && e.stack ? e.stack : e));
  process.exit(1);
}
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

/**
 * Forwards to the server; once armed, cuts the connection (both sides) instead of forwarding an
 * answer: `armed(requestLine, requestChunk)` picks the request whose answer is lost,
 * `armedAnswer(requestLine, answerChunk)` the answer itself.
 */
async function startProxy(target) {
  const proxy = { armed: null, armedAnswer: null, cut: 0, requests: [] };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.hostname);
    let last = "";
    let doomed = false;
    client.on("data", (chunk) => {
      const text = chunk.toString("latin1");
      const line = /^(GET|POST) \S+/.exec(text);
      if (line) {
        last = line[0];
        proxy.requests.push(last);
      }
      if (proxy.armed && proxy.armed(last, text)) {
        proxy.armed = null;
        doomed = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!doomed && proxy.armedAnswer && proxy.armedAnswer(last, chunk.toString("latin1"))) {
        proxy.armedAnswer = null;
        doomed = true;
      }
      if (doomed) {
        proxy.cut++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  proxy.url = "http://127.0.0.1:" + server.address().port;
  proxy.close = () => server.close();
  return proxy;
}

const proxy = await startProxy(new URL(url));
const s = io(proxy.url, { forceNew: true, transports: ["polling"], reconnection: false });
let disconnects = 0;
s.on("disconnect", () => disconnects++);
await new Promise((resolve, reject) => {
  s.once("connect", resolve);
  s.once("connect_error", (e) => reject(new Error("connect_error: " + e.message)));
});
const sid = s.io.engine.id;
assert.ok(proxy.requests.some((r) => r.includes("belay_ack=1")), "polls are numbered: " + proxy.requests.join(" | "));

if (scenario === "poll") {
  const got = [];
  const done = new Promise((resolve) => s.on("seq", (i) => {
    got.push(i);
    if (i === 49) resolve();
  }));
  // lose the first poll answer that carries events
  proxy.armedAnswer = (line, answer) => line.startsWith("GET ") && answer.includes('"seq"');
  s.emit("burst", 50);
  await done;
  assert.equal(proxy.cut, 1, "one answer was lost:\n" + proxy.requests.join("\n"));
  assert.deepEqual(got, [...Array(50).keys()], "every event once, in order");
  const acks = proxy.requests.filter((r) => r.startsWith("GET ")).map((r) => /belay_ack=(\d+)/.exec(r)[1]);
  assert.ok(acks.some((a, i) => i > 0 && a === acks[i - 1]), "a poll was sent again with the same belay_ack: " + acks);
  console.log("OK poll answer lost once, nothing lost");
} else if (scenario === "post") {
  // lose the "ok" of the POST that carries the "inc" event
  proxy.armed = (line, text) => line.startsWith("POST ") && text.includes("inc");
  const posted = new Promise((resolve) => s.io.engine.once("drain", resolve)); // its POST answered, after the resend
  s.emit("inc");
  await posted;
  const count = await s.emitWithAck("count");
  assert.equal(proxy.cut, 1, "one answer was lost:\n" + proxy.requests.join("\n"));
  assert.equal(count, 1, "the event was handled once");
  const seqs = proxy.requests.filter((r) => r.startsWith("POST ")).map((r) => /belay_seq=(\d+)/.exec(r)[1]);
  assert.ok(seqs.some((q, i) => i > 0 && q === seqs[i - 1]), "a POST was sent again with the same belay_seq: " + proxy.requests.join("\n"));
  console.log("OK post answer lost once, handled once");
} else {
  fail(new Error("unknown scenario " + scenario));
}
assert.equal(s.connected, true);
assert.equal(s.io.engine.id, sid, "the same session");
assert.equal(disconnects, 0);
s.disconnect();
proxy.close();
clearTimeout(timer);
console.log("DONE");
process.exit(0);
