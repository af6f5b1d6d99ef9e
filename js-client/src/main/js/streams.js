// ---- streams.js: large-data transfers over ordinary events (socket.stream / socket.onStream) ----
// A Belay extension: the belay:* events below; an official server or client simply never sends them.
//   belay:stream {id,name,meta}           opens a transfer
//   belay:credit [id,received,limit,r]    the receiver has `received` bytes, allows offsets < limit
//   belay:chunk  [id,offset,<binary>]     data, never past the credit
//   belay:end    {id,size,sha256}         the sender's end; the receiver checks size and SHA-256
//   belay:done   {id}                     the receiver verified the whole transfer
//   belay:abort  {id,reason}              either side stops it
//   belay:resume {id}                     after a recovered reconnection: where do I go on from?
// All state below lives on the page's one event loop.

const STREAM_WINDOW = 1 << 20;
const STREAM_CHUNK = 64 * 1024;

/** Incremental SHA-256 (crypto.subtle has no streaming digest). */
class Sha256 {
  constructor() {
    this.h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.buf = new Uint8Array(64);
    this.bufLen = 0;
    this.length = 0;
    this.w = new Int32Array(64);
  }

  update(data) {
    let pos = 0;
    this.length += data.length;
    if (this.bufLen > 0) {
      const n = Math.min(64 - this.bufLen, data.length);
      this.buf.set(data.subarray(0, n), this.bufLen);
      this.bufLen += n;
      pos = n;
      if (this.bufLen < 64) return this;
      this._block(this.buf, 0);
      this.bufLen = 0;
    }
    for (; pos + 64 <= data.length; pos += 64) this._block(data, pos);
    if (pos < data.length) {
      this.buf.set(data.subarray(pos), 0);
      this.bufLen = data.length - pos;
    }
    return this;
  }

  hex() {
    const bits = this.length * 8;
    const pad = new Uint8Array(((this.bufLen + 9 + 63) & ~63) - this.bufLen);
    pad[0] = 0x80;
    const dv = new DataView(pad.buffer);
    dv.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    dv.setUint32(pad.length - 4, bits >>> 0);
    this.length -= pad.length; // padding is not data
    this.update(pad);
    let out = "";
    for (const v of this.h) out += (v >>> 0).toString(16).padStart(8, "0");
    return out;
  }

  _block(d, p) {
    const w = this.w;
    const K = SHA256_K;
    for (let i = 0; i < 16; i++) w[i] = (d[p + 4 * i] << 24) | (d[p + 4 * i + 1] << 16) | (d[p + 4 * i + 2] << 8) | d[p + 4 * i + 3];
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15], b = w[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    const h = this.h;
    let a = h[0], b = h[1], c = h[2], e = h[4], f = h[5], g = h[6], hh = h[7], dd = h[3];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += dd; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
}

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  promise.catch(() => {}); // a failure nobody awaits is not an unhandled rejection
  return { promise, resolve, reject };
}

/** A transfer this client sends: write() resolves once its bytes went out within the credit. */
class OutboundTransfer {
  constructor(streams, id, name, meta) {
    this._s = streams;
    this.id = id;
    this.name = name;
    this.meta = meta;
    this.written = 0; // bytes taken from writes
    this.acknowledged = 0; // bytes the server confirmed receiving
    this.bytesSent = 0; // chunk bytes sent, resends after reconnections included
    this.onprogress = null; // (acknowledged) => {}
    this._sent = 0;
    this._limit = 0;
    this._accepted = false;
    this._suspended = false;
    this._ended = false;
    this._endSent = false;
    this._state = "open";
    this._resend = []; // [offset, Uint8Array] sent, not yet acknowledged
    this._pending = null; // { data, pos, d }
    this._sha = new Sha256();
    this._done = deferred();
    this.done = this._done.promise;
  }

  /** Sends bytes (Uint8Array, ArrayBuffer or a view); resolves when all went out. One write at a time. */
  write(data) {
    const bytes = toBytes(data);
    if (!bytes) return Promise.reject(new TypeError("write() takes bytes"));
    if (this._state !== "open" || this._ended) return Promise.reject(this._error || new Error("the transfer is closed"));
    if (this._pending) return Promise.reject(new Error("a write is still waiting for credit"));
    const d = deferred();
    this._pending = { data: bytes, pos: 0, d };
    this._pump();
    return d.promise;
  }

  /** Ends the transfer; resolves with its size once the server has verified every byte. */
  end() {
    if (this._state === "open") this._ended = true;
    this._pump();
    return this.done;
  }

  abort(reason) {
    if (this._fail(new Error("aborted: " + reason))) this._s._send("belay:abort", { id: this.id, reason: String(reason) });
  }

  /** A WritableStream over write()/end()/abort(), for pipeTo. */
  get writable() {
    return new WritableStream({
      write: (chunk) => this.write(chunk),
      close: () => this.end().then(() => undefined),
      abort: (reason) => this.abort(reason),
    }, { highWaterMark: 1 });
  }

  _open() {
    this._s._send("belay:stream", { id: this.id, name: this.name, meta: this.meta === undefined ? null : this.meta });
  }

  _credit(received, limit, resume) {
    if (this._state !== "open") return;
    received = Math.min(Math.max(received, 0), this.written);
    if (received > this.acknowledged || resume) this.acknowledged = received;
    while (this._resend.length) {
      const [off, data] = this._resend[0];
      if (off + data.length <= this.acknowledged) this._resend.shift();
      else {
        if (off < this.acknowledged) this._resend[0] = [this.acknowledged, data.subarray(this.acknowledged - off)];
        break;
      }
    }
    this._limit = Math.max(resume ? 0 : this._limit, Math.min(limit, this.acknowledged + STREAM_WINDOW));
    if (resume || !this._accepted) {
      this._accepted = true;
      this._suspended = false;
      this._sent = this.acknowledged;
      this._endSent = false;
    }
    if (this.onprogress) this.onprogress(this.acknowledged);
    this._pump();
  }

  _pump() {
    if (this._state !== "open" || this._suspended || !this._accepted || !this._s.socket.connected) return;
    const chunk = this._s._chunkBytes();
    while (this._sent < this._limit) {
      if (this._sent < this.written) {
        const entry = this._resend.find((e) => e[0] === this._sent);
        if (!entry || entry[0] + entry[1].length > this._limit) break;
        this._s._send("belay:chunk", this.id, entry[0], entry[1]);
        this._sent += entry[1].length;
        this.bytesSent += entry[1].length;
      } else if (this._pending) {
        const p = this._pending;
        const len = Math.min(chunk, p.data.length - p.pos, this._limit - this._sent);
        const data = p.data.slice(p.pos, p.pos + len);
        p.pos += len;
        this._sha.update(data);
        this._resend.push([this.written, data]);
        this.written += len;
        this._s._send("belay:chunk", this.id, this._sent, data);
        this._sent = this.written;
        this.bytesSent += len;
        if (p.pos === p.data.length) {
          this._pending = null;
          p.d.resolve();
          break;
        }
      } else break;
    }
    if (this._pending && this._pending.data.length === 0) {
      const p = this._pending;
      this._pending = null;
      p.d.resolve();
    }
    if (this._ended && !this._pending && this._sent === this.written && !this._endSent) {
      if (this._hex === undefined) this._hex = this._sha.hex();
      this._s._send("belay:end", { id: this.id, size: this.written, sha256: this._hex });
      this._endSent = true;
    }
  }

  _doneReceived() {
    if (this._state !== "open" || !this._endSent) return;
    this._state = "done";
    this._resend = [];
    this.acknowledged = this.written; // the server verified every byte
    if (this.onprogress) this.onprogress(this.acknowledged);
    this._s.outbound.delete(this.id);
    this._done.resolve(this.written);
  }

  _resume() {
    if (this._state !== "open") return;
    if (this._accepted) this._s._send("belay:resume", { id: this.id });
    else this._open();
  }

  _fail(error) {
    if (this._state !== "open") return false;
    this._state = "failed";
    this._error = error;
    this._resend = [];
    this._s.outbound.delete(this.id);
    if (this._pending) this._pending.d.reject(error);
    this._pending = null;
    this._done.reject(error);
    return true;
  }
}

/** A transfer the server sends: `readable` (a ReadableStream of Uint8Array), `done`, `received`. */
class InboundTransfer {
  constructor(streams, id, name, meta) {
    this._s = streams;
    this.id = id;
    this.name = name;
    this.meta = meta;
    this.received = 0;
    this.onprogress = null; // (received) => {}
    this._consumed = 0;
    this._granted = 0;
    this._queue = [];
    this._state = "open";
    this._sha = new Sha256();
    this._wake = null;
    this._done = deferred();
    /** Resolves with the size once every byte arrived and the SHA-256 matched; rejects otherwise. */
    this.done = this._done.promise;
    this.readable = new ReadableStream({
      pull: (controller) => this._pull(controller),
      cancel: (reason) => this.abort("the reader cancelled: " + reason),
    }, { highWaterMark: 0 });
  }

  abort(reason) {
    if (this._fail(new Error("aborted by the receiver: " + reason))) this._s._send("belay:abort", { id: this.id, reason: String(reason) });
  }

  _pull(controller) {
    if (this._queue.length) {
      const data = this._queue.shift();
      controller.enqueue(data);
      this._consume(data.length);
      return;
    }
    if (this._state === "failed") return controller.error(this._error);
    if (this._state === "verified") return controller.close();
    return new Promise((resolve) => { this._wake = resolve; }).then(() => this._pull(controller));
  }

  _notify() {
    const w = this._wake;
    this._wake = null;
    if (w) w();
  }

  _consume(n) {
    this._consumed += n;
    if (this._state === "open" && this._consumed + STREAM_WINDOW - this._granted >= STREAM_WINDOW / 4) {
      this._granted = this._consumed + STREAM_WINDOW;
      this._s._send("belay:credit", this.id, this.received, this._granted, 0);
    }
  }

  _grantFirst() {
    this._granted = STREAM_WINDOW;
    this._s._send("belay:credit", this.id, 0, this._granted, 0);
  }

  _sendResume() {
    if (this._state === "open") this._s._send("belay:credit", this.id, this.received, this._granted, 1);
  }

  _chunk(offset, data) {
    if (this._state !== "open") return;
    if (offset > this.received || offset + data.length <= this.received) return; // gap or duplicate
    const part = offset < this.received ? data.subarray(this.received - offset) : data;
    if (this.received + part.length > this._granted) {
      const problem = "the sender exceeded its credit";
      if (this._fail(new Error(problem))) this._s._send("belay:abort", { id: this.id, reason: problem });
      return;
    }
    this._sha.update(part);
    this._queue.push(part);
    this.received += part.length;
    if (this.onprogress) this.onprogress(this.received);
    this._notify();
  }

  _end(size, sha256) {
    if (this._state !== "open" || this.received < size) return;
    let problem = null;
    if (this.received > size) problem = "received " + this.received + " bytes, the sender announced " + size;
    else {
      const actual = this._sha.hex();
      if (typeof sha256 === "string" && actual !== sha256.toLowerCase()) problem = "SHA-256 mismatch: sender " + sha256 + ", received " + actual;
    }
    if (problem) {
      if (this._fail(new Error(problem))) this._s._send("belay:abort", { id: this.id, reason: problem });
      return;
    }
    this._state = "verified";
    this._s.inbound.delete(this.id);
    this._s.completed.add(this.id);
    this._s._send("belay:done", { id: this.id });
    this._done.resolve(this.received);
    this._notify();
  }

  _fail(error) {
    if (this._state !== "open") return false;
    this._state = "failed";
    this._error = error;
    this._queue = [];
    this._s.inbound.delete(this.id);
    this._done.reject(error);
    this._notify();
    return true;
  }
}

/** The transfers of one Socket, created on first use. */
class Streams {
  constructor(socket) {
    this.socket = socket;
    this.receivers = new Map();
    this.outbound = new Map();
    this.inbound = new Map();
    this.completed = new Set();
    this.ids = 0;
    socket.on("disconnect", (reason) => this._disconnected(reason));
    socket.on("connect", () => this._connected());
  }

  _chunkBytes() {
    const engine = this.socket.io.engine;
    const max = engine && engine.maxPayload ? Math.floor(engine.maxPayload * 3 / 4) - 1024 : STREAM_CHUNK;
    return Math.max(1024, Math.min(STREAM_CHUNK, max));
  }

  _send(ev, ...args) {
    if (!this.socket.connected) return false;
    this.socket.emit(ev, ...args);
    return true;
  }

  open(name, meta) {
    const t = new OutboundTransfer(this, "c" + ++this.ids + Math.random().toString(36).slice(2, 6), name, meta);
    this.outbound.set(t.id, t);
    t._open();
    return t;
  }

  handle(ev, args) {
    const m = args[0] && typeof args[0] === "object" && !ArrayBuffer.isView(args[0]) ? args[0] : null;
    const id = m ? String(m.id) : String(args[0]);
    switch (ev) {
      case "belay:stream": {
        if (!m || typeof m.name !== "string") return;
        const known = this.inbound.get(id);
        if (known) return known._sendResume();
        if (this.completed.has(id)) return this._send("belay:done", { id });
        const fn = this.receivers.get(m.name);
        if (!fn) return this._send("belay:abort", { id, reason: 'no receiver for transfers named "' + m.name + '"' });
        const t = new InboundTransfer(this, id, m.name, m.meta);
        this.inbound.set(id, t);
        t._grantFirst();
        try {
          fn(m.meta, t);
        } catch (e) {
          t.abort("the receiver failed: " + e);
        }
        return;
      }
      case "belay:chunk": {
        const t = this.inbound.get(id);
        const data = toBytes(args[2]);
        if (t && data && typeof args[1] === "number") t._chunk(args[1], data);
        return;
      }
      case "belay:end": {
        const t = this.inbound.get(id);
        if (t && m && typeof m.size === "number") t._end(m.size, m.sha256);
        return;
      }
      case "belay:credit": {
        const t = this.outbound.get(id);
        if (t && typeof args[1] === "number" && typeof args[2] === "number") t._credit(args[1], args[2], args[3] === 1);
        return;
      }
      case "belay:done": {
        const t = this.outbound.get(id);
        if (t) t._doneReceived();
        return;
      }
      case "belay:abort": {
        const error = new Error("aborted by the server: " + (m && m.reason));
        const o = this.outbound.get(id);
        if (o) o._fail(error);
        const i = this.inbound.get(id);
        if (i) i._fail(error);
        return;
      }
      case "belay:resume": {
        const i = this.inbound.get(id);
        if (i) i._sendResume();
        else if (this.completed.has(id)) this._send("belay:done", { id });
        else this._send("belay:abort", { id, reason: "unknown transfer" });
        return;
      }
      default:
    }
  }

  _failAll(text) {
    for (const t of [...this.outbound.values(), ...this.inbound.values()]) t._fail(new Error(text));
  }

  _disconnected(reason) {
    for (const t of this.outbound.values()) t._suspended = true;
    if (reason === "io client disconnect" || reason === "io server disconnect") this._failAll("socket disconnected: " + reason);
    else if (!this.socket._pid) this._failAll("socket disconnected: " + reason + " (connection state recovery is off, so the transfer cannot resume)");
  }

  _connected() {
    if (this.socket.recovered) for (const t of this.outbound.values()) t._resume();
    else this._failAll("the connection was lost and the session was not recovered");
  }
}

function streamsOf(socket) {
  if (!socket._streams) socket._streams = new Streams(socket);
  return socket._streams;
}

/** Opens a transfer to the server: socket.stream("upload", {file: "a.bin"}) -> writer. */
Socket.prototype.stream = function (name, meta) {
  return streamsOf(this).open(name, meta);
};

/** Receives the server's transfers named `name`: socket.onStream("export", (meta, t) => t.readable...). */
Socket.prototype.onStream = function (name, fn) {
  streamsOf(this).receivers.set(name, fn);
  return this;
};

// Transfer events go to the transfers, never to the application's listeners.
const plainOnevent = Socket.prototype.onevent;
Socket.prototype.onevent = function (packet) {
  const a = packet.data;
  if (packet.id == null && Array.isArray(a) && typeof a[0] === "string" && a[0].startsWith("belay:")) {
    streamsOf(this).handle(a[0], a.slice(1));
    return;
  }
  plainOnevent.call(this, packet);
};
