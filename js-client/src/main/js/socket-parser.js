// ---- socket-parser.js: Socket.IO v5 packets with binary attachments (pure) ----

const PacketType = Object.freeze({
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
});

const RESERVED_EVENTS = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

function isPlainObject(o) {
  return Object.prototype.toString.call(o) === "[object Object]";
}

function hasBinary(obj, depth = 0) {
  if (!obj || typeof obj !== "object" || depth > 100) return false;
  if (isBinary(obj)) return true;
  if (Array.isArray(obj)) return obj.some((v) => hasBinary(v, depth + 1));
  if (typeof obj.toJSON === "function" && arguments.length === 1) {
    return hasBinary(obj.toJSON(), depth + 1);
  }
  for (const k in obj) {
    if (Object.prototype.hasOwnProperty.call(obj, k) && hasBinary(obj[k], depth + 1)) return true;
  }
  return false;
}

// Replaces binary values by placeholders; returns the JSON-ready data and the buffers in order.
function deconstruct(data) {
  const buffers = [];
  const walk = (v) => {
    if (!v || typeof v !== "object") return v;
    if (isBinary(v)) {
      buffers.push(v);
      return { _placeholder: true, num: buffers.length - 1 };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v.toJSON === "function" && !isPlainObject(v)) return walk(v.toJSON());
    const out = {};
    for (const k in v) {
      if (Object.prototype.hasOwnProperty.call(v, k)) out[k] = walk(v[k]);
    }
    return out;
  };
  return { data: walk(data), buffers };
}

function reconstruct(data, buffers) {
  const walk = (v) => {
    if (!v || typeof v !== "object") return v;
    if (v._placeholder === true) {
      if (typeof v.num === "number" && v.num >= 0 && v.num < buffers.length) return buffers[v.num];
      throw new ParseError("illegal attachment index");
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
    } else {
      for (const k in v) {
        if (Object.prototype.hasOwnProperty.call(v, k)) v[k] = walk(v[k]);
      }
    }
    return v;
  };
  return walk(data);
}

/** Encodes a packet {type, nsp, id?, data?} into [text, ...binary attachments]. */
function encodeSocketPacket(packet) {
  let type = packet.type;
  let data = packet.data;
  let buffers = [];
  if ((type === PacketType.EVENT || type === PacketType.ACK) && hasBinary(data)) {
    type = type === PacketType.EVENT ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK;
    ({ data, buffers } = deconstruct(data));
  } else if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    ({ data, buffers } = deconstruct(data));
  }
  let str = String(type);
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) str += buffers.length + "-";
  if (packet.nsp && packet.nsp !== "/") str += packet.nsp + ",";
  if (packet.id != null) str += packet.id;
  if (data !== undefined) str += JSON.stringify(data);
  return [str, ...buffers];
}

function isValidPayload(type, payload) {
  switch (type) {
    case PacketType.CONNECT:
      return payload === undefined || isPlainObject(payload);
    case PacketType.DISCONNECT:
      return payload === undefined;
    case PacketType.CONNECT_ERROR:
      return typeof payload === "string" || isPlainObject(payload);
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT:
      return (
        Array.isArray(payload) &&
        payload.length > 0 &&
        (typeof payload[0] === "number" ||
          (typeof payload[0] === "string" && !RESERVED_EVENTS.has(payload[0])))
      );
    case PacketType.ACK:
    case PacketType.BINARY_ACK:
      return Array.isArray(payload);
    default:
      return false;
  }
}

/** Parses the text part of a packet. Throws ParseError. */
function decodeSocketString(str) {
  if (typeof str !== "string" || str.length === 0) throw new ParseError("empty packet");
  let i = 0;
  const type = Number(str.charAt(0));
  if (!(type >= 0 && type <= 6) || str.charAt(0) === " ") throw new ParseError("unknown packet type");
  const p = { type, nsp: "/" };
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const start = i + 1;
    while (str.charAt(++i) !== "-" && i < str.length) {}
    const n = str.substring(start, i);
    if (!/^\d+$/.test(n) || str.charAt(i) !== "-") throw new ParseError("illegal attachments");
    p.attachments = Number(n);
  }
  if (str.charAt(i + 1) === "/") {
    const start = i + 1;
    while (++i) {
      if (str.charAt(i) === ",") break;
      if (i === str.length) break;
    }
    p.nsp = str.substring(start, i);
  }
  const next = str.charAt(i + 1);
  if (next !== "" && next >= "0" && next <= "9") {
    const start = i + 1;
    while (++i) {
      const c = str.charAt(i);
      if (c === "" || c < "0" || c > "9") {
        --i;
        break;
      }
    }
    p.id = Number(str.substring(start, i + 1));
  }
  if (str.charAt(++i)) {
    try {
      p.data = JSON.parse(str.substring(i));
    } catch (e) {
      throw new ParseError("invalid JSON payload");
    }
  }
  if (!isValidPayload(p.type, p.data)) throw new ParseError("invalid payload");
  return p;
}

/** Stateful decoder: feed text and binary Engine.IO messages; emits "decoded" with whole packets. */
class SocketDecoder extends Emitter {
  constructor() {
    super();
    this.reconstructing = null;
  }

  add(obj) {
    if (typeof obj === "string") {
      if (this.reconstructing) throw new ParseError("got text while reconstructing a binary packet");
      const packet = decodeSocketString(obj);
      if (packet.attachments > 0) {
        this.reconstructing = { packet, buffers: [] };
      } else {
        if (packet.attachments === 0) packet.data = reconstruct(packet.data, []);
        this.emitReserved("decoded", packet);
      }
    } else if (isBinary(obj)) {
      if (!this.reconstructing) throw new ParseError("got binary data when not reconstructing a packet");
      const r = this.reconstructing;
      r.buffers.push(obj);
      if (r.buffers.length === r.packet.attachments) {
        this.reconstructing = null;
        r.packet.data = reconstruct(r.packet.data, r.buffers);
        delete r.packet.attachments;
        this.emitReserved("decoded", r.packet);
      }
    } else {
      throw new ParseError("unknown type: " + obj);
    }
  }

  destroy() {
    this.reconstructing = null;
  }
}
