// ---- socket.js: Socket, one namespace over a Manager (the socket.io-client v4 API) ----

// All state below is read and written on the page's one event loop only.
class Socket extends Emitter {
  constructor(io, nsp, opts) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.connected = false;
    this.recovered = false;
    this.receiveBuffer = [];
    this.sendBuffer = [];
    this._queue = []; // with `retries`: entries not yet acknowledged, the head is the one sent
    this.droppedEmits = 0; // emits refused because maxBufferedEmits were already held
    this.ids = 0;
    this.acks = {};
    this.flags = {};
    this._anyListeners = [];
    this._anyOutgoingListeners = [];
    this._opts = Object.assign({}, opts);
    if (opts && opts.auth) this.auth = opts.auth;
    if (this.io._autoConnect) this.open();
  }

  get disconnected() {
    return !this.connected;
  }

  get active() {
    return !!this.subs;
  }

  subEvents() {
    if (this.subs) return;
    const io = this.io;
    this.subs = [
      on(io, "open", () => this.onopen()),
      on(io, "packet", (p) => this.onpacket(p)),
      on(io, "error", (e) => this.onerror(e)),
      on(io, "close", (reason, description) => this.onclose(reason, description)),
    ];
  }

  connect() {
    if (this.connected) return this;
    this.subEvents();
    if (!this.io._reconnecting) this.io.open();
    if (this.io._readyState === "open") this.onopen();
    return this;
  }

  open() {
    return this.connect();
  }

  send(...args) {
    args.unshift("message");
    this.emit.apply(this, args);
    return this;
  }

  emit(ev, ...args) {
    if (RESERVED_EVENTS.has(ev)) throw new Error('"' + String(ev) + '" is a reserved event name');
    args.unshift(ev);
    const flags = this.flags;
    this.flags = {};
    if (this._opts.retries && !flags.volatile) {
      if (this._bufferFull()) return this._refuse(args);
      this._addToQueue(args, flags);
      return this;
    }
    const engine = this.io.engine;
    const writable = !!(engine && engine.readyState === "open" && engine.transport && engine.transport.writable && !engine.upgrading);
    if (!flags.volatile && !this.connected && this._bufferFull()) return this._refuse(args);
    const packet = {
      type: PacketType.EVENT,
      data: args,
      nsp: this.nsp,
      options: { compress: flags.compress !== false, volatile: !!flags.volatile },
    };
    if (typeof args[args.length - 1] === "function") {
      const id = this.ids++;
      const ack = args.pop();
      this._registerAckCallback(id, ack, flags);
      packet.id = id;
    }
    if (flags.volatile && !(writable && this.connected)) {
      // volatile: dropped rather than buffered
    } else if (this.connected) {
      this.notifyOutgoingListeners(packet);
      this.packet(packet);
    } else {
      this.sendBuffer.push(packet);
    }
    return this;
  }

  _ackTimeout(flags) {
    return flags.timeout !== undefined ? flags.timeout : this._opts.ackTimeout;
  }

  _registerAckCallback(id, ack, flags) {
    const timeout = this._ackTimeout(flags);
    if (timeout === undefined) {
      this.acks[id] = ack;
      return;
    }
    const timers = this.io.timers;
    const timer = timers.setTimeout(() => {
      delete this.acks[id];
      this.sendBuffer = this.sendBuffer.filter((p) => p.id !== id);
      ack.call(this, new Error("operation has timed out"));
    }, timeout);
    const fn = (...args) => {
      timers.clearTimeout(timer);
      ack.apply(this, args);
    };
    fn.withError = true;
    this.acks[id] = fn;
  }

  emitWithAck(ev, ...args) {
    return new Promise((resolve, reject) => {
      const fn = (a, b) => (a ? reject(a) : resolve(b));
      fn.withError = true;
      args.push(fn);
      this.emit(ev, ...args);
    });
  }

  // The bound on emits held back: those waiting for a connection (sendBuffer) and, with `retries`,
  // those in the retry queue (held until acknowledged). Default 1000; Infinity for none.
  _maxBuffered() {
    const v = this._opts.maxBufferedEmits;
    return typeof v === "number" && v >= 0 ? v : 1000;
  }

  _bufferFull() {
    return this.sendBuffer.length + this._queue.length >= this._maxBuffered();
  }

  // Over the bound the new emit is not kept: counted in droppedEmits, and its ack callback (if any)
  // gets Error("emit buffer full") from a microtask, never from inside emit() itself.
  _refuse(args) {
    this.droppedEmits++;
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) this._later(() => ack.call(this, new Error("emit buffer full")));
    return this;
  }

  _later(fn) {
    if (typeof queueMicrotask === "function") queueMicrotask(fn);
    else this.io.timers.setTimeout(fn, 0);
  }

  // With `retries`, emits are sent one at a time, in order. The head gets its ack id when first sent
  // and keeps it: an ack timeout while connected re-sends it (counted against `retries`), and after a
  // reconnection it is re-sent first (not counted). A server with connection state recovery answers
  // a repeated id from its cache instead of running the handler again; the first answer wins.
  _addToQueue(args, flags) {
    const entry = {
      args,
      ack: typeof args[args.length - 1] === "function" ? args.pop() : null,
      flags,
      id: undefined,
      timeouts: 0,
      inFlight: false,
      timer: null,
      done: false,
    };
    this._queue.push(entry);
    this._drainQueue();
  }

  _drainQueue() {
    const entry = this._queue[0];
    if (!this.connected || !entry || entry.inFlight) return;
    if (entry.id === undefined) {
      entry.id = this.ids++;
      const fn = (err, ...response) => this._settleQueued(entry, null, response);
      fn.withError = true;
      fn.queued = true;
      this.acks[entry.id] = fn;
    }
    entry.inFlight = true;
    const timeout = this._ackTimeout(entry.flags);
    if (timeout !== undefined) entry.timer = this.io.timers.setTimeout(() => this._queuedTimedOut(entry), timeout);
    const packet = {
      type: PacketType.EVENT,
      id: entry.id,
      data: entry.args.slice(),
      nsp: this.nsp,
      options: { compress: entry.flags.compress !== false, volatile: false },
      fromQueue: true,
    };
    this.notifyOutgoingListeners(packet);
    this.packet(packet);
  }

  _queuedTimedOut(entry) {
    entry.timer = null;
    entry.inFlight = false;
    if (entry.done) return;
    entry.timeouts++;
    if (entry.timeouts > this._opts.retries) {
      delete this.acks[entry.id];
      this._settleQueued(entry, new Error("operation has timed out"), []);
    } else {
      this._drainQueue();
    }
  }

  _settleQueued(entry, err, response) {
    if (entry.done) return;
    entry.done = true;
    entry.inFlight = false;
    if (entry.timer != null) this.io.timers.clearTimeout(entry.timer);
    entry.timer = null;
    const i = this._queue.indexOf(entry);
    if (i >= 0) this._queue.splice(i, 1);
    this._drainQueue();
    if (entry.ack) {
      if (err) entry.ack.call(this, err);
      else entry.ack.call(this, null, ...response);
    }
  }

  // The connection dropped: the head stays in the queue, with its ack id, to be re-sent on connect.
  _pauseQueue() {
    const entry = this._queue[0];
    if (!entry) return;
    if (entry.timer != null) this.io.timers.clearTimeout(entry.timer);
    entry.timer = null;
    entry.inFlight = false;
  }

  // Packets the engine never handed to a transport come back here (see Manager.requeueUnsent);
  // the retry queue re-sends its own, so those are left out.
  _requeueUnsent(packets) {
    this.sendBuffer.unshift(...packets.filter((p) => !p.fromQueue));
  }

  packet(packet) {
    packet.nsp = this.nsp;
    this.io._packet(packet);
  }

  onopen() {
    if (typeof this.auth === "function") {
      let called = false;
      this.auth((data) => {
        if (called) return;
        called = true;
        this._sendConnectPacket(data);
      });
    } else {
      this._sendConnectPacket(this.auth);
    }
  }

  _sendConnectPacket(data) {
    this.packet({
      type: PacketType.CONNECT,
      data: this._pid ? Object.assign({ pid: this._pid, offset: this._lastOffset }, data) : data,
    });
  }

  onerror(err) {
    if (!this.connected) this.emitReserved("connect_error", err);
  }

  onclose(reason, description) {
    this.connected = false;
    delete this.id;
    this._pauseQueue();
    this.emitReserved("disconnect", reason, description);
    this._clearAcks();
  }

  _clearAcks() {
    for (const id of Object.keys(this.acks)) {
      const buffered = this.sendBuffer.some((p) => String(p.id) === id);
      if (buffered) continue;
      const ack = this.acks[id];
      if (ack.queued) continue;
      delete this.acks[id];
      if (ack.withError) ack.call(this, new Error("socket has been disconnected"));
    }
  }

  onpacket(packet) {
    if (packet.nsp !== this.nsp) return;
    switch (packet.type) {
      case PacketType.CONNECT:
        if (packet.data && typeof packet.data.sid === "string") this.onconnect(packet.data.sid, packet.data.pid);
        else this.emitReserved("connect_error", new Error("the server answered CONNECT without a socket id"));
        break;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.onevent(packet);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.onack(packet);
        break;
      case PacketType.DISCONNECT:
        this.ondisconnect();
        break;
      case PacketType.CONNECT_ERROR: {
        this.destroy();
        const d = packet.data;
        const err = new Error(typeof d === "string" ? d : (d && d.message) || "connect error");
        err.data = d && typeof d === "object" ? d.data : undefined;
        this.emitReserved("connect_error", err);
        break;
      }
      default:
        break;
    }
  }

  onevent(packet) {
    const args = packet.data || [];
    if (packet.id != null) args.push(this.ack(packet.id));
    if (this.connected) this.emitEvent(args);
    else this.receiveBuffer.push(Object.freeze(args));
  }

  emitEvent(args) {
    for (const listener of this._anyListeners.slice()) listener.apply(this, args);
    Emitter.prototype.emit.apply(this, args);
    if (this._pid && args.length && typeof args[args.length - 1] === "string") {
      this._lastOffset = args[args.length - 1];
    }
  }

  ack(id) {
    let sent = false;
    return (...args) => {
      if (sent) return;
      sent = true;
      this.packet({ type: PacketType.ACK, id, data: args });
    };
  }

  onack(packet) {
    const ack = this.acks[packet.id];
    if (typeof ack !== "function") return;
    delete this.acks[packet.id];
    const args = Array.isArray(packet.data) ? packet.data.slice() : [];
    if (ack.withError) args.unshift(null);
    ack.apply(this, args);
  }

  onconnect(id, pid) {
    this.id = id;
    this.recovered = !!(pid && this._pid === pid);
    this._pid = pid;
    this.connected = true;
    this.emitBuffered();
    this._drainQueue();
    this.emitReserved("connect");
  }

  emitBuffered() {
    this.receiveBuffer.forEach((args) => this.emitEvent(args.slice()));
    this.receiveBuffer = [];
    const buffered = this.sendBuffer;
    this.sendBuffer = [];
    buffered.forEach((packet) => {
      this.notifyOutgoingListeners(packet);
      this.packet(packet);
    });
  }

  ondisconnect() {
    this.destroy();
    this.onclose("io server disconnect");
  }

  destroy() {
    if (this.subs) {
      this.subs.forEach((u) => u());
      this.subs = undefined;
    }
    this.io._destroy(this);
  }

  disconnect() {
    if (this.connected) this.packet({ type: PacketType.DISCONNECT });
    this.destroy();
    if (this.connected) this.onclose("io client disconnect");
    return this;
  }

  close() {
    return this.disconnect();
  }

  compress(compress) {
    this.flags.compress = compress;
    return this;
  }

  get volatile() {
    this.flags.volatile = true;
    return this;
  }

  timeout(ms) {
    this.flags.timeout = ms;
    return this;
  }

  onAny(fn) {
    this._anyListeners.push(fn);
    return this;
  }

  prependAny(fn) {
    this._anyListeners.unshift(fn);
    return this;
  }

  offAny(fn) {
    if (!fn) this._anyListeners = [];
    else this._anyListeners = this._anyListeners.filter((l) => l !== fn);
    return this;
  }

  listenersAny() {
    return this._anyListeners.slice();
  }

  onAnyOutgoing(fn) {
    this._anyOutgoingListeners.push(fn);
    return this;
  }

  prependAnyOutgoing(fn) {
    this._anyOutgoingListeners.unshift(fn);
    return this;
  }

  offAnyOutgoing(fn) {
    if (!fn) this._anyOutgoingListeners = [];
    else this._anyOutgoingListeners = this._anyOutgoingListeners.filter((l) => l !== fn);
    return this;
  }

  listenersAnyOutgoing() {
    return this._anyOutgoingListeners.slice();
  }

  notifyOutgoingListeners(packet) {
    if (this._anyOutgoingListeners.length === 0) return;
    for (const l of this._anyOutgoingListeners.slice()) l.apply(this, packet.data);
  }
}
