// ---- manager.js: Backoff and Manager (one Engine.IO session shared by namespaces, reconnection) ----

/** Exponential backoff with jitter: min * factor^attempt, spread by +-jitter, capped at max. */
// The pending-retry marker while offline: a retry is due, the online event starts it.
const OFFLINE_WAIT = 0;

class Backoff {
  constructor(opts = {}) {
    this.ms = opts.min != null ? opts.min : 100;
    this.max = opts.max != null ? opts.max : 10000;
    this.factor = opts.factor || 2;
    this.jitter = opts.jitter > 0 && opts.jitter <= 1 ? opts.jitter : 0;
    this.random = opts.random || Math.random;
    this.attempts = 0;
  }

  duration() {
    let ms = this.ms * Math.pow(this.factor, this.attempts++);
    if (this.jitter) ms = ms * (1 + this.jitter * (2 * this.random() - 1));
    return Math.max(0, Math.floor(Math.min(ms, this.max)));
  }

  reset() {
    this.attempts = 0;
  }

  setMin(min) {
    this.ms = min;
  }

  setMax(max) {
    this.max = max;
  }

  setJitter(jitter) {
    this.jitter = jitter;
  }
}

class Manager extends Emitter {
  constructor(uri, opts) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = undefined;
    }
    opts = Object.assign({}, opts);
    opts.path = opts.path || "/socket.io";
    this.opts = opts;
    this.uri = uri;
    this.nsps = {};
    this.subs = [];
    this.timers = opts.timers || defaultTimers;
    this.reconnection(opts.reconnection !== false);
    this.reconnectionAttempts(opts.reconnectionAttempts != null ? opts.reconnectionAttempts : Infinity);
    this.reconnectionDelay(opts.reconnectionDelay != null ? opts.reconnectionDelay : 1000);
    this.reconnectionDelayMax(opts.reconnectionDelayMax != null ? opts.reconnectionDelayMax : 5000);
    this.randomizationFactor(opts.randomizationFactor != null ? opts.randomizationFactor : 0.5);
    this.backoff = new Backoff({
      min: this._reconnectionDelay,
      max: this._reconnectionDelayMax,
      jitter: this._randomizationFactor,
      random: opts.random,
    });
    this.timeout(opts.timeout == null ? 20000 : opts.timeout);
    this._readyState = "closed";
    this._reconnecting = false;
    this.skipReconnect = false;
    this.decoder = new SocketDecoder();
    this._sendChain = null;
    this._autoConnect = opts.autoConnect !== false;
    this._onOnline = () => this.onOnline();
    this._onVisibility = () => this.onVisibility();
    if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
      window.addEventListener("online", this._onOnline);
    }
    if (typeof document !== "undefined" && typeof document.addEventListener === "function") {
      document.addEventListener("visibilitychange", this._onVisibility);
    }
    if (this._autoConnect) this.open();
  }

  reconnection(v) {
    if (!arguments.length) return this._reconnection;
    this._reconnection = !!v;
    if (!v) this.skipReconnect = true;
    return this;
  }

  reconnectionAttempts(v) {
    if (v === undefined) return this._reconnectionAttempts;
    this._reconnectionAttempts = v;
    return this;
  }

  reconnectionDelay(v) {
    if (v === undefined) return this._reconnectionDelay;
    this._reconnectionDelay = v;
    if (this.backoff) this.backoff.setMin(v);
    return this;
  }

  reconnectionDelayMax(v) {
    if (v === undefined) return this._reconnectionDelayMax;
    this._reconnectionDelayMax = v;
    if (this.backoff) this.backoff.setMax(v);
    return this;
  }

  randomizationFactor(v) {
    if (v === undefined) return this._randomizationFactor;
    this._randomizationFactor = v;
    if (this.backoff) this.backoff.setJitter(v);
    return this;
  }

  timeout(v) {
    if (!arguments.length) return this._timeout;
    this._timeout = v;
    return this;
  }

  maybeReconnectOnOpen() {
    if (!this._reconnecting && this._reconnection && this.backoff.attempts === 0) this.reconnect();
  }

  open(fn) {
    if (this._readyState.indexOf("open") >= 0) return this;
    let engine;
    try {
      engine = new EngineSocket(this.uri, this.opts);
    } catch (e) {
      this.timers.setTimeout(() => {
        this.emitReserved("error", e);
        if (fn) fn(e);
        else this.maybeReconnectOnOpen();
      }, 0);
      return this;
    }
    this.engine = engine;
    this._readyState = "opening";
    this.skipReconnect = false;
    const openSub = on(engine, "open", () => {
      this.onopen();
      if (fn) fn();
    });
    const onError = (err) => {
      this.cleanup();
      this._readyState = "closed";
      this.emitReserved("error", err);
      if (fn) fn(err);
      else this.maybeReconnectOnOpen();
    };
    const errorSub = on(engine, "error", onError);
    if (this._timeout !== false) {
      const timer = this.timers.setTimeout(() => {
        openSub();
        onError(new Error("timeout"));
        engine.close();
      }, this._timeout);
      this.subs.push(() => this.timers.clearTimeout(timer));
    }
    this.subs.push(openSub, errorSub);
    return this;
  }

  connect(fn) {
    return this.open(fn);
  }

  onopen() {
    this.cleanup();
    this._readyState = "open";
    this.emitReserved("open");
    const engine = this.engine;
    this.subs.push(
      on(engine, "ping", () => this.emitReserved("ping")),
      on(engine, "data", (data) => this.ondata(data)),
      on(engine, "error", (err) => this.emitReserved("error", err)),
      on(engine, "close", (reason, description) => this.onclose(reason, description)),
      on(this.decoder, "decoded", (packet) => this.emitReserved("packet", packet))
    );
  }

  ondata(data) {
    try {
      this.decoder.add(data);
    } catch (e) {
      this.onclose("parse error", e);
    }
  }

  socket(nsp, opts) {
    let socket = this.nsps[nsp];
    if (!socket) {
      socket = new Socket(this, nsp, opts);
      this.nsps[nsp] = socket;
    } else if (this._autoConnect && !socket.active) {
      socket.connect();
    }
    return socket;
  }

  _destroy(socket) {
    for (const nsp of Object.keys(this.nsps)) {
      if (this.nsps[nsp].active) return;
    }
    this._close();
  }

  /** Encodes a Socket.IO packet and writes it; Blobs are read first, in order. */
  _packet(packet) {
    let parts;
    try {
      parts = encodeSocketPacket(packet);
    } catch (e) {
      this.emitReserved("error", e);
      return;
    }
    const write = (list) => {
      if (!this.engine || this.engine.readyState !== "open") return;
      for (const part of list) this.engine.write(part, Object.assign({ sio: packet }, packet.options));
    };
    const hasBlobs = hasBlob && parts.some((p) => p instanceof Blob);
    if (!hasBlobs && !this._sendChain) return write(parts);
    const chain = (this._sendChain || Promise.resolve())
      .then(() => Promise.all(parts.map((p) => (hasBlob && p instanceof Blob ? p.arrayBuffer() : p))))
      .then(write, (e) => this.emitReserved("error", e))
      .then(() => {
        if (this._sendChain === chain) this._sendChain = null;
      });
    this._sendChain = chain;
  }

  cleanup() {
    this.subs.forEach((u) => u());
    this.subs = [];
    this.decoder.destroy();
  }

  _close() {
    this.skipReconnect = true;
    this._reconnecting = false;
    this.timers.clearTimeout(this._reconnectTimer);
    this.onclose("forced close");
  }

  disconnect() {
    return this._close();
  }

  close() {
    return this._close();
  }

  onclose(reason, description) {
    const engine = this.engine;
    if (engine && engine.readyState === "closed") this.requeueUnsent(engine);
    this.cleanup();
    if (engine) engine.close();
    this.backoff.reset();
    this._readyState = "closed";
    this.emitReserved("close", reason, description);
    if (this._reconnection && !this.skipReconnect) this.reconnect();
  }

  // Event packets the engine had not yet handed to a transport go back to their socket's buffer,
  // so a transport that went silent loses nothing that was still waiting to be sent.
  requeueUnsent(engine) {
    const seen = new Set();
    const packets = [];
    for (const p of engine.unsentMessages ? engine.unsentMessages() : []) {
      const sio = p.options && p.options.sio;
      if (!sio || seen.has(sio)) continue;
      seen.add(sio);
      if (sio.type !== PacketType.EVENT && sio.type !== PacketType.BINARY_EVENT) continue;
      if (sio.options && sio.options.volatile) continue;
      packets.push(sio);
    }
    const byNsp = {};
    for (const sio of packets) (byNsp[sio.nsp] = byNsp[sio.nsp] || []).push(sio);
    for (const nsp of Object.keys(byNsp)) {
      const socket = this.nsps[nsp];
      if (socket) socket._requeueUnsent(byNsp[nsp]);
    }
  }

  reconnect() {
    if (this._reconnecting || this.skipReconnect) return this;
    if (this.backoff.attempts >= this._reconnectionAttempts) {
      this.backoff.reset();
      this.emitReserved("reconnect_failed");
      this._reconnecting = false;
      return this;
    }
    const delay = this.backoff.duration();
    this._reconnecting = true;
    this._reconnectAt = Date.now() + delay;
    this._reconnectTimer = this.timers.setTimeout(() => {
      // Offline: no attempt until the browser's online event (onOnline) says the network is back.
      if (this._offline()) this._reconnectTimer = OFFLINE_WAIT;
      else this.attemptReconnect();
    }, delay);
    return this;
  }

  attemptReconnect() {
    this.timers.clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    if (this.skipReconnect) return;
    this.emitReserved("reconnect_attempt", this.backoff.attempts);
    if (this.skipReconnect) return;
    this.open((err) => {
      if (err) {
        this._reconnecting = false;
        this.emitReserved("reconnect_error", err);
        this.reconnect();
      } else {
        this.onreconnect();
      }
    });
  }

  _offline() {
    return typeof navigator !== "undefined" && navigator.onLine === false;
  }

  // The browser says the network is back: retry now instead of waiting for the backoff.
  onOnline() {
    if (this._reconnecting && this._reconnectTimer != null && !this.skipReconnect) this.attemptReconnect();
  }

  // A tab coming back to the foreground: if its frozen timers let the retry time pass, retry now.
  onVisibility() {
    if (typeof document === "undefined" || document.visibilityState !== "visible") return;
    if (this._reconnecting && this._reconnectTimer != null && !this.skipReconnect && Date.now() >= this._reconnectAt) {
      if (!this._offline()) this.attemptReconnect();
    }
  }

  onreconnect() {
    const attempt = this.backoff.attempts;
    this._reconnecting = false;
    this.backoff.reset();
    this.emitReserved("reconnect", attempt);
  }
}
