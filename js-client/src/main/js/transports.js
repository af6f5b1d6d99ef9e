// ---- transports.js: Transport base, HTTP helpers, long-polling and WebSocket ----

class TransportError extends Error {
  constructor(reason, description, context) {
    super(reason);
    this.type = "TransportError";
    this.description = description;
    this.context = context;
  }
}

/**
 * A transport carries Engine.IO packets. Events: "open" (the channel is up), "packet", "error",
 * "close", "drain" (writable again), "pollComplete" (polling only). The engine owns the session.
 */
class Transport extends Emitter {
  constructor(name, opts) {
    super();
    this.name = name;
    this.opts = opts;
    this.sid = opts.sid || null;
    this.readyState = "closed";
    this.writable = false;
    this.timers = opts.timers;
    // Resend-safe POSTs (Belay EXTENSION, PROTOCOL.md): the number of the last POST sent on this
    // transport, or null while POSTs go unnumbered. A numbered POST whose answer is lost to a
    // network error is sent once more, same body and number: the server handles it only once.
    this.postSeq = null;
  }

  open() {
    this.readyState = "opening";
    try {
      this.doOpen();
    } catch (e) {
      this.defer(() => this.onError("could not open " + this.name, e));
    }
    return this;
  }

  close() {
    if (this.readyState === "opening" || this.readyState === "open") {
      this.readyState = "closed";
      this.writable = false;
      try {
        this.doClose();
      } catch (e) {
        /* closing a broken channel: nothing to report */
      }
    }
    return this;
  }

  send(packets) {
    if (this.readyState === "open") this.write(packets);
  }

  onOpen() {
    this.readyState = "open";
    this.writable = true;
    this.emitReserved("open");
  }

  onData(data) {
    let packets;
    try {
      packets = typeof data === "string" && this.name !== "websocket" ? decodePayload(data) : [decodePacket(data)];
    } catch (e) {
      return this.onError("parse error", e);
    }
    for (const p of packets) {
      if (this.readyState === "closed") return;
      this.emitReserved("packet", p);
    }
  }

  onError(reason, description, context) {
    if (this.readyState === "closed") return;
    this.close();
    this.emitReserved("error", new TransportError(reason, description, context));
  }

  onClose(details) {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.writable = false;
    try {
      this.doClose();
    } catch (e) {
      /* already gone */
    }
    this.emitReserved("close", details);
  }

  /** Stops reading new data once in-flight work is done; polling/SSE override. */
  pause(onPause) {
    onPause();
  }

  /** Undoes pause() when the upgrade it was for is abandoned. */
  resume() {
    this.paused = false;
  }

  defer(fn) {
    this.timers.setTimeout(fn, 0);
  }

  uri(schema, extra) {
    const o = this.opts;
    const query = Object.assign({}, o.query, { EIO: PROTOCOL, transport: this.name });
    if (this.sid) query.sid = this.sid;
    if (extra) Object.assign(query, extra);
    if (schema.startsWith("http") && o.timestampRequests !== false) {
      query.t = Date.now().toString(36) + (++Transport.counter).toString(36);
    }
    const defaultPort = (schema === "https" || schema === "wss") ? "443" : "80";
    const port = o.port && String(o.port) !== defaultPort ? ":" + o.port : "";
    const host = o.hostname.indexOf(":") >= 0 && o.hostname[0] !== "[" ? "[" + o.hostname + "]" : o.hostname;
    const qs = Object.keys(query)
      .filter((k) => query[k] !== undefined && query[k] !== null)
      .map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(query[k]))
      .join("&");
    return schema + "://" + host + port + o.path + (qs ? "?" + qs : "");
  }

  httpSchema() {
    return this.opts.secure ? "https" : "http";
  }

  fetchOptions(extra) {
    const o = this.opts;
    return Object.assign(
      {
        credentials: o.withCredentials ? "include" : "same-origin",
        cache: "no-store",
        headers: Object.assign({}, o.extraHeaders),
      },
      extra
    );
  }

  /** POSTs a payload (polling and SSE upstream); emits "drain" when done. */
  post(packets, errorReason) {
    this.writable = false;
    let body;
    try {
      body = encodePayload(packets);
    } catch (e) {
      return this.onError(errorReason, e);
    }
    const opts = this.fetchOptions({ method: "POST", body });
    opts.headers["Content-Type"] = "text/plain;charset=UTF-8";
    const numbered = this.postSeq !== null;
    const url = numbered ? this.uri(this.httpSchema(), { belay_seq: ++this.postSeq }) : this.uri(this.httpSchema());
    this.pendingPost = true;
    const fetchFn = this.opts.fetch || fetch;
    const attempt = (retries) =>
      Promise.resolve()
        .then(() => fetchFn(url, opts))
        .then(async (res) => {
          await res.text().catch(() => "");
          return res;
        })
        .catch((e) => {
          if (retries > 0 && this.readyState !== "closed") return attempt(retries - 1);
          throw e;
        });
    attempt(numbered ? resendAttempts(this.opts) : 0)
      .then((res) => {
        this.pendingPost = false;
        if (this.readyState === "closed") return;
        if (!res.ok) return this.onError(errorReason, res.status, res);
        this.writable = true;
        this.emitReserved("drain");
      })
      .catch((e) => {
        this.pendingPost = false;
        this.onError(errorReason, e);
      });
  }
}
/** How many times a numbered request is sent again after a network error (option resendAttempts). */
function resendAttempts(opts) {
  return opts.resendAttempts != null ? opts.resendAttempts : 1;
}
Transport.counter = 0;

class PollingTransport extends Transport {
  constructor(opts) {
    super("polling", opts);
    this.polling = false;
    this.paused = false;
    this.abort = null;
    // Resend-safe polling (Belay EXTENSION, PROTOCOL.md): the number of the last answer fully
    // received, sent as belay_ack on every GET; null when polls go unnumbered (the option
    // resend: false, or a server that did not number its first answer, like the reference one).
    this.ack = opts.resend === false ? null : 0;
  }

  doOpen() {
    this.poll();
  }

  poll() {
    this.polling = true;
    const ctrl = typeof AbortController === "function" ? new AbortController() : null;
    this.abort = ctrl;
    const fetchFn = this.opts.fetch || fetch;
    const numbered = this.ack !== null;
    const url = numbered ? this.uri(this.httpSchema(), { belay_ack: this.ack }) : this.uri(this.httpSchema());
    const opts = this.fetchOptions({ method: "GET", signal: ctrl && ctrl.signal });
    // A numbered poll whose answer is lost to a network error is sent again with the same
    // belay_ack: the server answers it with the same packets, so none is lost.
    const attempt = (retries) =>
      Promise.resolve()
        .then(() => fetchFn(url, opts))
        .then(async (res) => ({ res, text: await res.text() }))
        .catch((e) => {
          if (retries > 0 && this.readyState !== "closed" && this.abort === ctrl) return attempt(retries - 1);
          throw e;
        });
    attempt(numbered ? resendAttempts(this.opts) : 0)
      .then(({ res, text }) => {
        if (this.readyState === "closed") return;
        if (!res.ok) return this.onError("xhr poll error", res.status, text);
        if (numbered) this.numbered(res.headers && res.headers.get("X-Belay-Seq"));
        this.onPollData(text);
      })
      .catch((e) => this.onError("xhr poll error", e));
  }

  /** Notes the number of the answer just received; without one, polls and POSTs go unnumbered. */
  numbered(header) {
    const n = header != null && /^[0-9]{1,15}$/.test(header) ? Number(header) : null;
    if (n === null) {
      this.ack = null;
      return;
    }
    this.ack = n;
    if (this.postSeq === null) this.postSeq = 0;
  }

  onPollData(text) {
    if (this.readyState === "opening") this.onOpen();
    this.onData(text);
    if (this.readyState === "closed") return;
    this.polling = false;
    this.emitReserved("pollComplete");
    if (this.readyState === "open" && !this.paused) this.poll();
  }

  pause(onPause) {
    this.paused = true;
    let pending = 0;
    const done = () => {
      if (--pending <= 0) onPause();
    };
    if (this.polling) {
      pending++;
      this.once("pollComplete", done);
    }
    if (!this.writable && this.readyState === "open") {
      pending++;
      this.once("drain", done);
    }
    if (pending === 0) onPause();
  }

  resume() {
    this.paused = false;
    if (this.readyState === "open" && !this.polling) this.poll();
  }

  write(packets) {
    this.post(packets, "xhr post error");
  }

  doClose() {
    if (this.abort) this.abort.abort();
    this.abort = null;
  }
}

class WebSocketTransport extends Transport {
  constructor(opts) {
    super("websocket", opts);
  }

  doOpen() {
    const WS = this.opts.WebSocket || (typeof WebSocket === "function" ? WebSocket : null);
    if (!WS) throw new Error("no WebSocket implementation (pass the WebSocket option)");
    const url = this.uri(this.opts.secure ? "wss" : "ws");
    const ws = this.opts.WebSocket && this.opts.extraHeaders
      ? new WS(url, this.opts.protocols || [], { headers: this.opts.extraHeaders })
      : new WS(url, this.opts.protocols || []);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => this.onOpen();
    ws.onclose = (ev) => this.onClose({ description: "websocket connection closed", context: ev });
    ws.onerror = (ev) => this.onError("websocket error", ev);
    ws.onmessage = (ev) => this.onData(ev.data);
  }

  write(packets) {
    this.writable = false;
    try {
      for (const p of packets) this.ws.send(encodePacket(p, true));
    } catch (e) {
      return this.onError("websocket error", e);
    }
    // A microtask, not a timer: background tabs throttle timers, which would slow every write.
    Promise.resolve().then(() => {
      if (this.readyState !== "open") return;
      this.writable = true;
      this.emitReserved("drain");
    });
  }

  doClose() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {};
    ws.close();
  }
}
