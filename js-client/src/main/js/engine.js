// ---- engine.js: EngineSocket, the Engine.IO session: negotiation, heartbeat, upgrade, buffering ----

const defaultTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  now: () => Date.now(),
};

// Background clean-up timers must not keep a Node process alive.
function unref(timer) {
  if (timer && typeof timer.unref === "function") timer.unref();
  return timer;
}

function parseQuery(q) {
  if (!q) return {};
  if (typeof q === "object") return Object.assign({}, q);
  const out = {};
  for (const part of String(q).replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const k = decodeURIComponent(i < 0 ? part : part.substring(0, i));
    out[k] = i < 0 ? "" : decodeURIComponent(part.substring(i + 1));
  }
  return out;
}

/**
 * One Engine.IO session over whichever transport negotiation picked. Events: "open",
 * "handshake", "packet", "message" (data), "ping", "upgrading", "upgrade", "upgradeError",
 * "drain", "flush", "error", "close" (reason, description).
 */
class EngineSocket extends Emitter {
  constructor(uri, opts) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = null;
    }
    opts = Object.assign({}, opts);
    if (uri) {
      const u = new URL(uri, typeof location !== "undefined" ? location.href : "http://localhost");
      opts.secure = u.protocol === "https:" || u.protocol === "wss:";
      opts.hostname = u.hostname.replace(/^\[|\]$/g, "");
      opts.port = u.port || (opts.secure ? "443" : "80");
      if (u.search) opts.query = Object.assign(parseQuery(u.search), parseQuery(opts.query));
    } else if (!opts.hostname && typeof location !== "undefined") {
      opts.secure = location.protocol === "https:";
      opts.hostname = location.hostname;
      opts.port = location.port || (opts.secure ? "443" : "80");
    }
    opts.hostname = opts.hostname || "localhost";
    opts.port = String(opts.port || (opts.secure ? "443" : "80"));
    opts.path = (opts.path || "/socket.io").replace(/\/$/, "") + (opts.addTrailingSlash === false ? "" : "/");
    opts.query = parseQuery(opts.query);
    opts.timers = opts.timers || defaultTimers;
    this.opts = opts;
    this.timers = opts.timers;
    this.transports = (opts.transports || KNOWN_TRANSPORTS).filter(
      (t) => KNOWN_TRANSPORTS.includes(t) || (opts.transportFactory && typeof t === "string")
    );
    this.negotiation = opts.negotiation === "upgrade" ? "upgrade" : "race";
    this.origin = (opts.secure ? "https://" : "http://") + opts.hostname + ":" + opts.port + opts.path;
    this.memory = new TransportMemory(opts);
    this.readyState = "opening";
    this.writeBuffer = [];
    this.prevBufferLen = 0;
    this.upgrading = false;
    this.transport = null;
    this.id = null;
    this.race = null;
    this.probe = null;
    this.pingTimer = null;
    this.subs = [];
    this._open();
  }

  createTransport(name, sid) {
    const o = Object.assign({}, this.opts, this.opts.transportOptions && this.opts.transportOptions[name], { sid });
    return this.opts.transportFactory ? this.opts.transportFactory(name, o) : createTransport(name, o);
  }

  _open() {
    if (this.transports.length === 0) {
      this.timers.setTimeout(() => this.fail(new Error("no transport available")), 0);
      return;
    }
    let order;
    let headStart;
    if (this.negotiation === "race") {
      order = this.memory.order(this.origin, this.transports);
      headStart = this.opts.headStart != null ? this.opts.headStart : 300;
    } else {
      order = this.transports.slice();
      if (this.opts.rememberUpgrade && order.includes("websocket") && this.memory.winner(this.origin) === "websocket") {
        order = ["websocket"].concat(order.filter((n) => n !== "websocket"));
      }
      if (!this.opts.tryAllTransports) order = order.slice(0, 1);
      headStart = null;
    }
    this.race = new Race({
      order,
      headStart,
      timers: this.timers,
      create: (name) => this.createTransport(name, null),
      onCandidate: (name, t) => {
        // until a transport wins, `transport` names the latest one tried (as socket.io-client,
        // where engine.transport is always set); nothing is written to it before the handshake
        if (!this.id) this.transport = t;
        this.emitReserved("candidate", name);
      },
      onWin: (t, h) => this.onHandshake(t, h),
      onFail: (err) => this.fail(err),
    }).start();
  }

  fail(err) {
    if (this.readyState === "closed") return;
    this.emitReserved("error", err);
    this.onClose("transport error", err);
  }

  onHandshake(transport, h) {
    this.race = null;
    if (this.readyState === "closed") return Race.dismiss(transport);
    this.id = h.sid;
    this.upgrades = h.upgrades;
    this.pingInterval = h.pingInterval;
    this.pingTimeout = h.pingTimeout;
    this.maxPayload = h.maxPayload;
    this.setTransport(transport);
    this.readyState = "open";
    if (this.negotiation === "race" || this.opts.rememberUpgrade) this.memory.remember(this.origin, transport.name);
    this.emitReserved("handshake", h);
    this.emitReserved("open");
    this.resetPingTimeout();
    this.flush();
    if (this.readyState === "open" && this.opts.upgrade !== false) this.probeUpgrades();
  }

  setTransport(t) {
    this.subs.forEach((u) => u());
    this.transport = t;
    this.subs = [
      on(t, "packet", (p) => this.onPacket(p)),
      on(t, "drain", () => this.onDrain()),
      on(t, "error", (e) => this.onError(e)),
      on(t, "close", (d) => this.onClose("transport close", d)),
    ];
  }

  onPacket(p) {
    if (this.readyState === "closed") return;
    this.lastInbound = this.timers.now();
    this.emitReserved("packet", p);
    this.emitReserved("heartbeat");
    switch (p.type) {
      case "ping":
        this.resetPingTimeout();
        this.sendPacket("pong");
        this.emitReserved("ping");
        break;
      case "message":
        this.emitReserved("data", p.data);
        this.emitReserved("message", p.data);
        break;
      case "close":
        this.onClose("transport close", { description: "server closed the session" });
        break;
      case "open":
        this.onError(new TransportError("protocol error", "unexpected open packet"));
        break;
      default:
        break; // noop, pong, upgrade: nothing to do
    }
  }

  // The server pings every pingInterval; silence for pingInterval + pingTimeout means a dead or
  // buffered transport. Checks wall time when the timer fires, so late (throttled) timers never
  // declare a timeout early, and a timer that fired very late gets a grace period in which
  // queued network events can run first.
  resetPingTimeout() {
    this.timers.clearTimeout(this.pingTimer);
    this.lastPing = this.timers.now();
    this.schedulePingCheck(this.pingInterval + this.pingTimeout, false);
  }

  schedulePingCheck(delay, graced) {
    const due = this.timers.now() + delay;
    this.pingTimer = this.timers.setTimeout(() => {
      if (this.readyState === "closed") return;
      const now = this.timers.now();
      const limit = this.pingInterval + this.pingTimeout;
      const elapsed = now - this.lastPing;
      if (elapsed < limit) return this.schedulePingCheck(limit - elapsed, false);
      if (!graced && now - due > 1000) return this.schedulePingCheck(1000, true);
      this.onSilent();
    }, delay);
  }

  onSilent() {
    const name = this.transport && this.transport.name;
    if (this.negotiation === "race" && name && this.transports.length > 1) {
      this.memory.demote(this.origin, name);
    }
    this.onClose("ping timeout", { description: name + " went silent" });
  }

  // ---- upgrades: probe a better transport on the same session, then switch ----

  probeUpgrades() {
    // Better means WebSocket over SSE over polling, whatever order the transports option gives
    // (that order is the order to try them in); only allowed ones the server offers are probed.
    const rank = KNOWN_TRANSPORTS;
    const current = rank.indexOf(this.transport.name);
    const better = rank.filter(
      (n, i) => (current < 0 || i < current) && this.upgrades.includes(n) && this.transports.includes(n)
    );
    this.tryUpgrade(better);
  }

  tryUpgrade(candidates) {
    if (candidates.length === 0 || this.readyState !== "open") return;
    const name = candidates[0];
    const t = this.createTransport(name, this.id);
    let failed = false;
    const unsubs = [];
    const cleanup = () => {
      unsubs.forEach((u) => u());
      this.timers.clearTimeout(timer);
      if (this.probe === probe) this.probe = null;
    };
    const fail = (err) => {
      if (failed) return;
      failed = true;
      cleanup();
      t.close();
      // abandoned after the probe answer: the current transport was told to pause; undo it
      if (this.upgrading && this.transport && typeof this.transport.resume === "function") this.transport.resume();
      this.upgrading = false;
      this.emitReserved("upgradeError", Object.assign(new Error("probe error"), { transport: name, cause: err }));
      if (this.readyState === "open") {
        this.flush();
        this.tryUpgrade(candidates.slice(1));
      }
    };
    const switchTo = () => {
      if (failed || this.readyState !== "open") return;
      cleanup();
      const old = this.transport;
      this.setTransport(t);
      t.send([{ type: "upgrade" }]);
      this.upgrading = false;
      this.prevBufferLen = 0;
      old.close();
      if (this.negotiation === "race" || this.opts.rememberUpgrade) this.memory.remember(this.origin, name);
      this.emitReserved("upgrade", t);
      this.flush();
    };
    const probe = { abort: () => fail(new Error("aborted")) };
    this.probe = probe;
    const timer = this.timers.setTimeout(() => fail(new Error("probe timeout")), this.opts.upgradeTimeout || 10000);
    unsubs.push(
      on(t, "open", () => {
        if (typeof this.transport.expectUpgradeMarker === "function") this.transport.expectUpgradeMarker();
        t.send([{ type: "ping", data: "probe" }]);
      }),
      on(t, "packet", (p) => {
        if (failed) return;
        if (p.type !== "pong" || p.data !== "probe") return fail(new Error("bad probe answer"));
        this.upgrading = true;
        this.emitReserved("upgrading", t);
        this.transport.pause(() => {
          if (failed || this.readyState !== "open") return;
          // Over SSE the probe answer comes on the stream and may arrive before the answer to the
          // probe POST: switch (and POST the upgrade packet) only once that POST is answered, or
          // two POSTs would race on the new transport (PROTOCOL.md, polling -> sse, step 5).
          if (t.writable) switchTo();
          else unsubs.push(on(t, "drain", switchTo));
        });
      }),
      on(t, "error", (e) => fail(e)),
      on(t, "close", () => fail(new Error("probe transport closed")))
    );
    t.open();
  }

  // ---- writing ----

  write(msg, options, fn) {
    this.sendPacket("message", msg, options, fn);
    return this;
  }

  send(msg, options, fn) {
    return this.write(msg, options, fn);
  }

  sendPacket(type, data, options, fn) {
    if (typeof data === "function") {
      fn = data;
      data = undefined;
    }
    if (typeof options === "function") {
      fn = options;
      options = null;
    }
    if (this.readyState === "closing" || this.readyState === "closed") return;
    const packet = { type, data, options: options || {} };
    this.emitReserved("packetCreate", packet);
    this.writeBuffer.push(packet);
    if (fn) this.once("flush", fn);
    this.flush();
  }

  flush() {
    if ((this.readyState !== "open" && this.readyState !== "closing") || !this.transport || this.upgrading) return;
    if (!this.transport.writable || this.prevBufferLen > 0 || this.writeBuffer.length === 0) return;
    const packets = this.writablePackets();
    this.transport.send(packets);
    this.prevBufferLen = packets.length;
    this.emitReserved("flush");
  }

  // For HTTP transports, keeps one POST under maxPayload (a single big packet still goes alone).
  writablePackets() {
    if (this.transport.name === "websocket" || !this.maxPayload) return this.writeBuffer.slice();
    let size = 1;
    for (let i = 0; i < this.writeBuffer.length; i++) {
      const d = this.writeBuffer[i].data;
      size += typeof d === "string" ? utf8Encoder.encode(d).length + 1 : d ? Math.ceil((d.byteLength || d.size || 0) * 4 / 3) + 2 : 1;
      if (i > 0 && size > this.maxPayload) return this.writeBuffer.slice(0, i);
    }
    return this.writeBuffer.slice();
  }

  onDrain() {
    this.writeBuffer.splice(0, this.prevBufferLen);
    this.prevBufferLen = 0;
    if (this.writeBuffer.length === 0) this.emitReserved("drain");
    else this.flush();
  }

  /** Message packets not yet handed to a transport (kept so that the caller can resend them). */
  unsentMessages() {
    return this.writeBuffer.slice(this.prevBufferLen).filter((p) => p.type === "message");
  }

  // ---- closing ----

  close() {
    if (this.readyState === "opening" || this.readyState === "open") {
      const wasOpen = this.readyState === "open";
      this.readyState = "closing";
      const finish = () => {
        if (this.transport && this.transport.readyState === "open") {
          try {
            this.transport.send([{ type: "close" }]);
          } catch (e) {
            /* best effort */
          }
        }
        this.onClose("forced close");
      };
      if (wasOpen && this.writeBuffer.length > 0 && !this.upgrading) {
        this.once("drain", finish);
        unref(this.timers.setTimeout(finish, 1000));
      } else {
        finish();
      }
    }
    return this;
  }

  onError(err) {
    if (this.readyState === "closed") return;
    this.emitReserved("error", err);
    this.onClose("transport error", err);
  }

  onClose(reason, description) {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.timers.clearTimeout(this.pingTimer);
    if (this.race) this.race.abort();
    this.race = null;
    if (this.probe) this.probe.abort();
    this.subs.forEach((u) => u());
    this.subs = [];
    const t = this.transport;
    if (t) {
      if (t.name === "websocket" || reason !== "forced close") t.close();
      else t.once("drain", () => t.close()).once("error", () => t.close());
      unref(this.timers.setTimeout(() => t.close(), 2000));
    }
    this.id = null;
    this.emitReserved("close", reason, description);
    this.writeBuffer = [];
    this.prevBufferLen = 0;
  }
}
