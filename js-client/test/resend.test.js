// Resend-safe polling and POSTs (Belay EXTENSION, PROTOCOL.md): the test plays the server through
// the `fetch` option, answering, losing or numbering each request as it chooses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, once } from "./helpers.js";

const { _internals: I } = await loadClient();
const OPEN = '0{"sid":"S","upgrades":[],"pingInterval":60000,"pingTimeout":60000,"maxPayload":100000}';

/** A fetch whose calls the test takes one by one with next() and answers (or loses) itself. */
function scriptedFetch() {
  const calls = [];
  const waiters = [];
  const fetch = (url, opts) =>
    new Promise((resolve, reject) => {
      const call = {
        url: new URL(url),
        method: opts.method,
        body: opts.body,
        param: (name) => new URL(url).searchParams.get(name),
        answer: (text, seq, status = 200) => {
          const headers = new Headers({ "Content-Type": "text/plain; charset=UTF-8" });
          if (seq != null) headers.set("X-Belay-Seq", String(seq));
          resolve(new Response(text, { status, headers }));
        },
        lose: () => reject(new TypeError("fetch failed: the connection closed before the answer")),
        stream: (firstEvent) => {
          const body = new ReadableStream({
            start(ctrl) {
              ctrl.enqueue(new TextEncoder().encode(firstEvent));
            },
          });
          resolve(new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }));
        },
      };
      if (waiters.length) waiters.shift()(call);
      else calls.push(call);
    });
  const next = () => (calls.length ? Promise.resolve(calls.shift()) : new Promise((r) => waiters.push(r)));
  return { fetch, next };
}

test("polling: every GET acknowledges the last answer, a lost answer is asked for again with the same number", async () => {
  const f = scriptedFetch();
  const e = new I.EngineSocket("http://127.0.0.1:9", { transports: ["polling"], fetch: f.fetch });
  const got = [];
  e.on("message", (m) => got.push(m));
  try {
    const handshake = await f.next();
    assert.equal(handshake.method, "GET");
    assert.equal(handshake.param("sid"), null);
    assert.equal(handshake.param("belay_ack"), "0");
    handshake.answer(OPEN, 1);
    await once(e, "open");

    const poll = await f.next();
    assert.equal(poll.param("sid"), "S");
    assert.equal(poll.param("belay_ack"), "1");
    poll.lose();
    const again = await f.next();
    assert.equal(again.method, "GET");
    assert.equal(again.url.href, poll.url.href, "the same request, the same belay_ack");
    again.answer("4hello\x1e4world", 2);
    const after = await f.next();
    assert.equal(after.param("belay_ack"), "2");
    assert.deepEqual(got, ["hello", "world"]);
    assert.equal(e.readyState, "open");
  } finally {
    e.close();
  }
});

test("polling: POSTs are numbered from 1 and a lost one is sent again with the same number and body", async () => {
  const f = scriptedFetch();
  const e = new I.EngineSocket("http://127.0.0.1:9", { transports: ["polling"], fetch: f.fetch });
  try {
    (await f.next()).answer(OPEN, 1);
    await once(e, "open");
    await f.next(); // the poll, left pending
    e.send("up1");
    const post = await f.next();
    assert.equal(post.method, "POST");
    assert.equal(post.param("belay_seq"), "1");
    assert.equal(post.body, "4up1");
    post.lose();
    const again = await f.next();
    assert.equal(again.method, "POST");
    assert.equal(again.url.href, post.url.href);
    assert.equal(again.body, "4up1");
    again.answer("ok");
    await once(e, "drain");
    e.send("up2");
    const second = await f.next();
    assert.equal(second.param("belay_seq"), "2");
    assert.equal(second.body, "4up2");
    second.answer("ok");
    await once(e, "drain");
  } finally {
    e.close();
  }
});

test("a server that does not number its first answer gets Engine.IO as before: no parameters, no second try", async () => {
  const f = scriptedFetch();
  const e = new I.EngineSocket("http://127.0.0.1:9", { transports: ["polling"], fetch: f.fetch });
  (await f.next()).answer(OPEN); // no X-Belay-Seq, as the reference server
  await once(e, "open");
  const poll = await f.next();
  assert.equal(poll.param("belay_ack"), null);
  e.send("up");
  const post = await f.next();
  assert.equal(post.param("belay_seq"), null);
  post.answer("ok");
  await once(e, "drain");
  const closed = once(e, "close");
  poll.lose();
  const [reason] = await closed;
  assert.equal(reason, "transport error", "a lost unnumbered poll ends the session, as before");
});

test("resend: false sends no parameters at all", async () => {
  const f = scriptedFetch();
  const e = new I.EngineSocket("http://127.0.0.1:9", { transports: ["polling"], fetch: f.fetch, resend: false });
  const handshake = await f.next();
  assert.equal(handshake.param("belay_ack"), null);
  handshake.answer(OPEN, 1);
  await once(e, "open");
  assert.equal((await f.next()).param("belay_ack"), null);
  e.close();
});

test("sse: POSTs are numbered from the first and a lost one is sent again", async () => {
  const f = scriptedFetch();
  const e = new I.EngineSocket("http://127.0.0.1:9", { transports: ["sse"], sseMode: "fetch", fetch: f.fetch });
  try {
    const stream = await f.next();
    assert.equal(stream.param("transport"), "sse");
    assert.equal(stream.param("belay_ack"), null, "the stream is not a poll");
    stream.stream("data: " + OPEN + "\n\n");
    await once(e, "open");
    e.send("x");
    const post = await f.next();
    assert.equal(post.param("belay_seq"), "1");
    post.lose();
    const again = await f.next();
    assert.equal(again.url.href, post.url.href);
    assert.equal(again.body, "4x");
    again.answer("ok");
    await once(e, "drain");
  } finally {
    e.close();
  }
});
