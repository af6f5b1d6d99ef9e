// Fake transports for the negotiation and manager unit tests: the test plays the server.
import { FakeClock } from "./helpers.js";

export function fakeWorld(Emitter, opts = {}) {
  const clock = new FakeClock();
  const created = [];

  class FakeTransport extends Emitter {
    constructor(name, o) {
      super();
      this.name = name;
      this.opts = o;
      this.sid = o.sid || null;
      this.timers = o.timers;
      this.readyState = "closed";
      this.writable = false;
      this.sent = [];
      this.startedAt = clock.now();
      created.push(this);
    }
    open() {
      this.readyState = "opening";
      return this;
    }
    close() {
      this.readyState = "closed";
      this.closed = true;
      this.writable = false;
      return this;
    }
    send(packets) {
      if (this.readyState !== "open") return;
      this.sent.push(...packets);
      this.writable = false;
      if (this.holdDrain) return; // an HTTP transport whose POST is not answered yet: see answerPost()
      Promise.resolve().then(() => {
        if (this.readyState !== "open") return;
        this.writable = true;
        this.emit("drain");
      });
    }
    pause(cb) {
      this.paused = true;
      if (this.holdPause) this.pendingPause = cb;
      else cb();
    }
    resume() {
      this.paused = false;
      this.resumed = true;
    }
    // ---- the test drives these, as the server would ----
    channelUp() {
      this.readyState = "open";
      this.writable = true;
      this.emit("open");
    }
    handshake(h = {}) {
      if (this.readyState !== "open") this.channelUp();
      const data = Object.assign({ sid: "sid-" + this.name, upgrades: [], pingInterval: 1000, pingTimeout: 500, maxPayload: 100000 }, h);
      this.emit("packet", { type: "open", data: JSON.stringify(data) });
    }
    answerPost() {
      if (this.readyState !== "open" || this.writable) return;
      this.writable = true;
      this.emit("drain");
    }
    receive(type, data) {
      this.emit("packet", data === undefined ? { type } : { type, data });
    }
    fail(reason = "refused") {
      this.readyState = "closed";
      this.emit("error", new Error(reason));
    }
    messages() {
      return this.sent.filter((p) => p.type === "message").map((p) => p.data);
    }
  }

  const storage = opts.storage === undefined ? new MapStorage() : opts.storage;
  const engineOpts = (extra = {}) =>
    Object.assign(
      {
        hostname: "example.test",
        port: 80,
        timers: clock,
        storage,
        transportFactory: (name, o) => new FakeTransport(name, o),
      },
      extra
    );
  const byName = (name) => created.filter((t) => t.name === name);
  const last = (name) => byName(name).at(-1);
  return { clock, created, byName, last, engineOpts, storage, FakeTransport };
}

export class MapStorage {
  constructor() {
    this.map = new Map();
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
}
