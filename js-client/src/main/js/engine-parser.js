// ---- engine-parser.js: Engine.IO v4 packets and payloads (pure functions) ----

const PACKET_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];
const PACKET_CODES = Object.fromEntries(PACKET_TYPES.map((t, i) => [t, String(i)]));
const RECORD_SEPARATOR = "\x1e";
const PROTOCOL = 4;

const hasBlob = typeof Blob === "function";

function isBinary(obj) {
  return (
    obj instanceof ArrayBuffer ||
    ArrayBuffer.isView(obj) ||
    (hasBlob && obj instanceof Blob)
  );
}

function toUint8(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

// A standalone ArrayBuffer holding exactly the bytes of `data` (ArrayBuffer or view).
function toArrayBuffer(data) {
  if (data instanceof ArrayBuffer) return data;
  const u8 = toUint8(data);
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
}

function bytesToBase64(data) {
  const u8 = toUint8(data);
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function base64ToBytes(b64) {
  const s = atob(b64); // throws on bad input: callers turn it into a parse error
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function utf8ToBase64(text) {
  return bytesToBase64(utf8Encoder.encode(text));
}

function base64ToUtf8(b64) {
  return utf8Decoder.decode(base64ToBytes(b64));
}

class ParseError extends Error {
  constructor(message) {
    super(message);
    this.name = "ParseError";
  }
}

/**
 * Encodes one packet {type, data}. With supportsBinary (WebSocket) a binary message stays binary;
 * otherwise it becomes "b" + base64. Blobs must have been turned into ArrayBuffers before.
 */
function encodePacket(packet, supportsBinary) {
  const data = packet.data;
  if (packet.type === "message" && data != null && typeof data !== "string") {
    if (supportsBinary) return toArrayBuffer(data);
    return "b" + bytesToBase64(data);
  }
  const code = PACKET_CODES[packet.type];
  if (code === undefined) throw new ParseError("unknown packet type " + packet.type);
  return code + (data == null ? "" : String(data));
}

/** Decodes one packet from a string (text frame or payload item) or binary frame. Throws ParseError. */
function decodePacket(encoded) {
  if (typeof encoded !== "string") {
    if (encoded == null) throw new ParseError("empty packet");
    if (isBinary(encoded)) return { type: "message", data: toArrayBuffer(encoded) };
    throw new ParseError("unsupported frame");
  }
  if (encoded.length === 0) throw new ParseError("empty packet");
  const c = encoded.charAt(0);
  if (c === "b") {
    try {
      return { type: "message", data: toArrayBuffer(base64ToBytes(encoded.substring(1))) };
    } catch (e) {
      throw new ParseError("bad base64 in binary packet");
    }
  }
  const type = PACKET_TYPES[c];
  if (type === undefined || c.length !== 1 || c < "0" || c > "6") {
    throw new ParseError("unknown packet type " + JSON.stringify(c));
  }
  return encoded.length > 1 ? { type, data: encoded.substring(1) } : { type };
}

/** Packets joined by the record separator, binary as "b" + base64 (polling and SSE upstream). */
function encodePayload(packets) {
  return packets.map((p) => encodePacket(p, false)).join(RECORD_SEPARATOR);
}

function decodePayload(payload) {
  if (typeof payload !== "string") throw new ParseError("payload is not text");
  return payload.split(RECORD_SEPARATOR).map(decodePacket);
}

/** Validates the open packet's JSON; throws ParseError when it is not a usable handshake. */
function parseHandshake(data) {
  let h;
  try {
    h = JSON.parse(data);
  } catch (e) {
    throw new ParseError("handshake is not JSON");
  }
  if (!h || typeof h !== "object" || typeof h.sid !== "string" || h.sid.length === 0) {
    throw new ParseError("handshake without sid");
  }
  const num = (v, d) => (typeof v === "number" && isFinite(v) && v > 0 ? v : d);
  return {
    sid: h.sid,
    upgrades: Array.isArray(h.upgrades) ? h.upgrades.filter((u) => typeof u === "string") : [],
    pingInterval: num(h.pingInterval, 25000),
    pingTimeout: num(h.pingTimeout, 20000),
    maxPayload: num(h.maxPayload, 1000000),
  };
}
