// ---- sse.js: the `sse` transport (Belay EXTENSION): event stream down, POST up ----

/**
 * Incremental text/event-stream parser (the WHATWG rules for lines, fields and dispatch).
 * feed(text) calls onEvent(type, data) for each complete event; comments are ignored.
 */
class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.data = [];
    this.event = "";
    this.skipLf = false;
  }

  feed(chunk) {
    let text = chunk;
    if (this.skipLf && text.charAt(0) === "\n") text = text.substring(1);
    this.skipLf = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.substring(start, i));
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.skipLf = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.substring(start);
  }

  line(line) {
    if (line === "") {
      if (this.data.length > 0) {
        const type = this.event || "message";
        const data = this.data.join("\n");
        this.data = [];
        this.event = "";
        this.onEvent(type, data);
      } else {
        this.event = "";
      }
      return;
    }
    if (line.charAt(0) === ":") return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.substring(0, colon);
    let value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.charAt(0) === " ") value = value.substring(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }
}

class SseTransport extends Transport {
  constructor(opts) {
    super("sse", opts);
    this.paused = false;
    // POSTs are numbered from the first (PROTOCOL.md, resend-safe POSTs): only Belay serves sse.
    if (opts.resend !== false) this.postSeq = 0;
  }

  useEventSource() {
    const mode = this.opts.sseMode || "auto";
    if (mode === "fetch") return false;
    const ES = typeof EventSource === "function" ? EventSource : null;
    if (!ES) return false;
    if (mode === "eventsource") return true;
    return !this.opts.extraHeaders || Object.keys(this.opts.extraHeaders).length === 0;
  }

  doOpen() {
    const url = this.uri(this.httpSchema());
    if (this.useEventSource()) this.openEventSource(url);
    else this.openFetch(url);
  }

  onSseEvent(type, data) {
    if (this.readyState === "closed") return;
    let text = data;
    if (type === "t64") {
      try {
        text = base64ToUtf8(data);
      } catch (e) {
        return this.onError("parse error", e);
      }
    } else if (type !== "message") {
      return; // unknown event types are for future extensions
    }
    let packet;
    try {
      packet = decodePacket(text);
    } catch (e) {
      return this.onError("parse error", e);
    }
    if (packet.type === "noop") {
      this.markerSeen = true;
      this.emitReserved("marker");
    }
    this.emitReserved("packet", packet);
  }

  openEventSource(url) {
    const es = new EventSource(url, { withCredentials: !!this.opts.withCredentials });
    this.es = es;
    es.onopen = () => {
      if (this.readyState === "opening") this.onOpen();
    };
    es.onmessage = (ev) => this.onSseEvent("message", ev.data);
    es.addEventListener("t64", (ev) => this.onSseEvent("t64", ev.data));
    // EventSource would reconnect by itself, which a session cannot survive: any error ends it.
    es.onerror = (ev) => {
      if (this.readyState === "opening") this.onError("sse error", "stream could not be opened", ev);
      else this.onClose({ description: "sse stream ended", context: ev });
    };
  }

  openFetch(url) {
    const ctrl = typeof AbortController === "function" ? new AbortController() : null;
    this.abort = ctrl;
    const headers = Object.assign({ Accept: "text/event-stream" }, this.opts.extraHeaders);
    const fetchFn = this.opts.fetch || fetch;
    Promise.resolve()
      .then(() => fetchFn(url, this.fetchOptions({ method: "GET", headers, signal: ctrl && ctrl.signal })))
      .then(async (res) => {
        if (this.readyState === "closed") return;
        const type = (res.headers.get("content-type") || "").toLowerCase();
        if (!res.ok || !type.startsWith("text/event-stream") || !res.body) {
          const body = await res.text().catch(() => "");
          return this.onError("sse error", res.status, body);
        }
        this.onOpen();
        const parser = new SseParser((t, d) => this.onSseEvent(t, d));
        const reader = res.body.getReader();
        const decoder = new TextDecoder("utf-8");
        for (;;) {
          const { value, done } = await reader.read();
          if (this.readyState === "closed") {
            reader.cancel().catch(() => {});
            return;
          }
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        this.onClose({ description: "sse stream ended" });
      })
      .catch((e) => {
        if (this.readyState === "opening") this.onError("sse error", e);
        else this.onClose({ description: "sse stream failed", context: e });
      });
  }

  /** Called when a probe on another transport starts: the server will mark the stream's end. */
  expectUpgradeMarker() {
    this.markerSeen = false;
  }

  // As the old transport of an upgrade, the server writes a NOOP event once the new transport has
  // answered the probe and nothing after it: wait for it (so that no packet still in the stream
  // is lost when it is closed) and for the POST in flight. A server that sends no marker costs a
  // short wait.
  pause(onPause) {
    this.paused = true;
    let pending = 0;
    let timer = null;
    const done = () => {
      if (--pending === 0) {
        this.timers.clearTimeout(timer);
        onPause();
      }
    };
    pending++;
    if (!this.writable && this.readyState === "open") {
      pending++;
      this.once("drain", done);
    }
    if (this.markerSeen === false && this.readyState === "open") {
      pending++;
      let called = false;
      const marker = () => {
        if (called) return;
        called = true;
        this.off("marker", marker);
        done();
      };
      this.on("marker", marker);
      timer = this.timers.setTimeout(marker, this.opts.upgradeMarkerTimeout || 5000);
    }
    done();
  }

  write(packets) {
    this.post(packets, "sse post error");
  }

  doClose() {
    if (this.es) {
      this.es.onopen = this.es.onmessage = this.es.onerror = null;
      this.es.close();
      this.es = null;
    }
    if (this.abort) {
      this.abort.abort();
      this.abort = null;
    }
  }
}
