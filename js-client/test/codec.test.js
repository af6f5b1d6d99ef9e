import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient } from "./helpers.js";

const { _internals: I } = await loadClient();

test("engine packets: text, binary, and the type digit", () => {
  assert.equal(I.encodePacket({ type: "message", data: "héllo" }, false), "4héllo");
  assert.equal(I.encodePacket({ type: "ping", data: "probe" }, true), "2probe");
  assert.equal(I.encodePacket({ type: "upgrade" }, true), "5");
  assert.equal(I.encodePacket({ type: "message", data: new Uint8Array([1, 2, 3]) }, false), "bAQID");
  const raw = I.encodePacket({ type: "message", data: new Uint8Array([9, 8]).subarray(1) }, true);
  assert.ok(raw instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(raw)], [8]);
  assert.deepEqual(I.decodePacket("4hi"), { type: "message", data: "hi" });
  assert.deepEqual(I.decodePacket("3"), { type: "pong" });
  const bin = I.decodePacket("bAQID");
  assert.deepEqual([...new Uint8Array(bin.data)], [1, 2, 3]);
  const frame = I.decodePacket(new Uint8Array([7]).buffer);
  assert.equal(frame.type, "message");
});

test("engine payloads split on the record separator and keep every character", () => {
  const texts = ["a\nb", "c\rd", "\u2028", "\u0000x", "😀", ""];
  const packets = texts.map((t) => ({ type: "message", data: t }));
  const payload = I.encodePayload(packets.concat([{ type: "message", data: new Uint8Array([255]) }]));
  const back = I.decodePayload(payload);
  assert.deepEqual(back.slice(0, texts.length).map((p) => p.data ?? ""), texts);
  assert.deepEqual([...new Uint8Array(back[texts.length].data)], [255]);
});

test("malformed engine input is a ParseError, never anything else", () => {
  for (const bad of ["", "9x", "xhello", "b!!!", " 4"]) {
    assert.throws(() => I.decodePacket(bad), { name: "ParseError" }, JSON.stringify(bad));
  }
  assert.throws(() => I.decodePayload(42), { name: "ParseError" });
  assert.throws(() => I.parseHandshake("{nope"), { name: "ParseError" });
  assert.throws(() => I.parseHandshake('{"pingInterval":1}'), { name: "ParseError" });
  const h = I.parseHandshake('{"sid":"abc","upgrades":["websocket",3],"pingInterval":-1}');
  assert.deepEqual(h.upgrades, ["websocket"]);
  assert.equal(h.pingInterval, 25000);
});

test("socket packets: namespace, ack id, JSON, binary placeholders", () => {
  assert.deepEqual(I.encodeSocketPacket({ type: 0, nsp: "/" }), ["0"]);
  assert.deepEqual(I.encodeSocketPacket({ type: 0, nsp: "/admin", data: { token: "x" } }), ['0/admin,{"token":"x"}']);
  assert.deepEqual(I.encodeSocketPacket({ type: 2, nsp: "/", id: 12, data: ["ev", 1] }), ['212["ev",1]']);
  const buf = new Uint8Array([1, 2]);
  const [text, ...atts] = I.encodeSocketPacket({
    type: 2,
    nsp: "/chat",
    id: 3,
    data: ["up", { file: buf, list: [new ArrayBuffer(1)] }],
  });
  assert.equal(text, '52-/chat,3["up",{"file":{"_placeholder":true,"num":0},"list":[{"_placeholder":true,"num":1}]}]');
  assert.equal(atts.length, 2);
  assert.equal(atts[0], buf);
});

test("socket decoder reconstructs binary packets and validates the rest", () => {
  const dec = new I.SocketDecoder();
  const out = [];
  dec.on("decoded", (p) => out.push(p));
  dec.add('51-/chat,7["up",{"f":{"_placeholder":true,"num":0}}]');
  assert.equal(out.length, 0);
  dec.add(new Uint8Array([5]).buffer);
  assert.equal(out.length, 1);
  assert.equal(out[0].nsp, "/chat");
  assert.equal(out[0].id, 7);
  assert.deepEqual([...new Uint8Array(out[0].data[1].f)], [5]);
  dec.add('2["x","y"]');
  assert.deepEqual(out[1], { type: 2, nsp: "/", data: ["x", "y"] });
  dec.add('0{"sid":"s1"}');
  assert.deepEqual(out[2].data, { sid: "s1" });
  dec.add('4/admin,{"message":"nope","data":{"code":1}}');
  assert.equal(out[3].nsp, "/admin");

  for (const bad of ['2"notarray"', "2[]", '2["connect"]', "9", "2[bad json", '1{"x":1}', "0[1]", "3{}", "5x-[]"]) {
    assert.throws(() => new I.SocketDecoder().add(bad), { name: "ParseError" }, bad);
  }
  assert.throws(() => new I.SocketDecoder().add(new ArrayBuffer(1)), { name: "ParseError" });
  const d2 = new I.SocketDecoder();
  d2.add('51-["a",{"_placeholder":true,"num":4}]');
  assert.throws(() => d2.add(new ArrayBuffer(1)), { name: "ParseError" });
});

test("SSE parser: events, multi-line data, comments, CR/LF/CRLF split across chunks", () => {
  const events = [];
  const p = new I.SseParser((type, data) => events.push([type, data]));
  p.feed(":" + " ".repeat(2048) + "\n\n");
  p.feed("data: 0{\"sid\":\"a\"}\n\n");
  p.feed("data: 4line1\ndata: line2\r");
  p.feed("\ndata:line3\r\n\r\n");
  p.feed("event: t64\ndata: " + I.utf8ToBase64("4a\rb") + "\n\n");
  p.feed("id: 1\nretry: 5\ndata\n\n");
  p.feed("data: 6\r\r");
  assert.deepEqual(events, [
    ["message", '0{"sid":"a"}'],
    ["message", "4line1\nline2\nline3"],
    ["t64", I.utf8ToBase64("4a\rb")],
    ["message", ""],
    ["message", "6"],
  ]);
  assert.equal(I.base64ToUtf8(I.utf8ToBase64("\r\n\u2028\u0000😀")), "\r\n\u2028\u0000😀");
});
