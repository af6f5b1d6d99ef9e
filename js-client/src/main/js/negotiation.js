// ---- negotiation.js: which transport to start with (memory) and the racing open (Race) ----

const memoryFallback = new Map();

/**
 * Remembers per origin the transport that last won (and the ones that went silent), with an
 * expiry, in localStorage when there is one and in memory otherwise (Node, sandboxed iframes).
 */
class TransportMemory {
  constructor(opts) {
    this.ttl = opts.rememberTransportMs || 24 * 3600 * 1000;
    this.now = opts.timers.now;
    this.storage = opts.storage !== undefined ? opts.storage : TransportMemory.defaultStorage();
  }

  static defaultStorage() {
    try {
      if (typeof localStorage !== "undefined" && localStorage) {
        const k = "belay.probe";
        localStorage.setItem(k, "1");
        localStorage.removeItem(k);
        return localStorage;
      }
    } catch (e) {
      /* storage disabled */
    }
    return null;
  }

  read(origin) {
    const key = "belay.transport:" + origin;
    let raw = null;
    try {
      raw = this.storage ? this.storage.getItem(key) : memoryFallback.get(key);
    } catch (e) {
      raw = memoryFallback.get(key);
    }
    let rec;
    try {
      rec = raw ? JSON.parse(raw) : null;
    } catch (e) {
      rec = null;
    }
    if (!rec || typeof rec !== "object") rec = {};
    const now = this.now();
    const out = { winner: null, silent: {} };
    if (typeof rec.winner === "string" && typeof rec.until === "number" && rec.until > now) out.winner = rec.winner;
    if (rec.silent && typeof rec.silent === "object") {
      for (const k of Object.keys(rec.silent)) if (rec.silent[k] > now) out.silent[k] = rec.silent[k];
    }
    return out;
  }

  write(origin, rec) {
    const key = "belay.transport:" + origin;
    const raw = JSON.stringify(rec);
    memoryFallback.set(key, raw);
    try {
      if (this.storage) this.storage.setItem(key, raw);
    } catch (e) {
      /* quota or privacy mode: the in-memory copy will do */
    }
  }

  remember(origin, name) {
    const rec = this.read(origin);
    delete rec.silent[name];
    this.write(origin, { winner: name, until: this.now() + this.ttl, silent: rec.silent });
  }

  /** A transport that opened and then went silent is tried last for a while. */
  demote(origin, name) {
    const rec = this.read(origin);
    rec.silent[name] = this.now() + this.ttl;
    const winner = rec.winner === name ? null : rec.winner;
    this.write(origin, { winner, until: winner ? this.now() + this.ttl : 0, silent: rec.silent });
  }

  winner(origin) {
    return this.read(origin).winner;
  }

  /** The order to race in: the remembered winner first, silent ones last, else preference order. */
  order(origin, preference) {
    const rec = this.read(origin);
    let order = preference.slice();
    if (rec.winner && order.includes(rec.winner)) {
      order = [rec.winner].concat(order.filter((n) => n !== rec.winner));
    }
    const silent = order.filter((n) => rec.silent[n]);
    return order.filter((n) => !rec.silent[n]).concat(silent);
  }
}

/**
 * Opens a session over the first transport that delivers a valid open packet. Starts order[0]
 * at once and each next one after `headStart` ms, or at once when a started one fails;
 * with headStart null the next starts only on failure (the official client's tryAllTransports).
 * Calls onWin(transport, handshake) once, or onFail(lastError) when all failed. Losers that
 * completed a handshake are sent a close packet so that the server frees their session.
 */
class Race {
  constructor(opts) {
    this.order = opts.order;
    this.headStart = opts.headStart;
    this.create = opts.create;
    this.timers = opts.timers;
    this.onWin = opts.onWin;
    this.onFail = opts.onFail;
    this.onCandidate = opts.onCandidate || (() => {});
    this.next = 0;
    this.live = new Set();
    this.done = false;
    this.timer = null;
    this.lastError = null;
  }

  start() {
    this.startNext();
    return this;
  }

  startNext() {
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.done) return;
    if (this.next >= this.order.length) {
      if (this.live.size === 0) this.fail();
      return;
    }
    const name = this.order[this.next++];
    let t;
    try {
      t = this.create(name);
    } catch (e) {
      this.lastError = e;
      return this.startNext();
    }
    this.live.add(t);
    this.onCandidate(name, t);
    const unsubs = [];
    const drop = (err) => {
      if (this.done || !this.live.has(t)) return;
      this.live.delete(t);
      unsubs.forEach((u) => u());
      t.close();
      this.lastError = err;
      // a failed candidate hands over at once: the next one starts without waiting its turn
      this.startNext();
    };
    unsubs.push(
      on(t, "packet", (p) => {
        if (p.type !== "open") return drop(new TransportError("protocol error", "first packet was not open"));
        let h;
        try {
          h = parseHandshake(p.data);
        } catch (e) {
          return drop(new TransportError("parse error", e));
        }
        t.sid = h.sid;
        unsubs.forEach((u) => u());
        this.live.delete(t);
        if (this.done) return Race.dismiss(t);
        this.win(t, h);
      }),
      on(t, "error", (e) => drop(e)),
      on(t, "close", (d) => drop(new TransportError("transport close", d && d.description, d)))
    );
    t.open();
    if (this.headStart != null && this.next < this.order.length && !this.done) {
      this.timer = this.timers.setTimeout(() => this.startNext(), this.headStart);
    }
  }

  win(t, h) {
    this.done = true;
    this.timers.clearTimeout(this.timer);
    this.abortOthers();
    this.onWin(t, h);
  }

  fail() {
    if (this.done) return;
    this.done = true;
    this.onFail(this.lastError || new TransportError("no transport", "no transport could be opened"));
  }

  abortOthers() {
    for (const t of this.live) Race.dismiss(t);
    this.live.clear();
  }

  /** Stops everything; no callback is called afterwards. */
  abort() {
    if (this.done) return;
    this.done = true;
    this.timers.clearTimeout(this.timer);
    for (const t of this.live) {
      t.off("packet").off("error").off("close");
      t.close();
    }
    this.live.clear();
  }

  static dismiss(t) {
    t.off("packet").off("error").off("close");
    try {
      if (t.readyState === "open" && t.sid) t.send([{ type: "close" }]);
    } catch (e) {
      /* best effort */
    }
    if (t.name === "websocket" || !t.sid) t.close();
    else t.once("drain", () => t.close()).once("error", () => t.close());
  }
}
