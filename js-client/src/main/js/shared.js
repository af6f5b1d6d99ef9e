// ---- shared.js: one connection for all tabs of an origin, io(url, { shared: true }) ----
// The real Socket lives in a SharedHub: in a SharedWorker (this same script, loaded as a worker),
// or, without SharedWorker, in one leader tab elected with Web Locks, the other tabs talking to it
// over a BroadcastChannel. Each tab holds a SharedSocket with the client API; messages:
//   tab -> hub  { t: "hi" | "emit" | "sa" | "bye", tab, ... }
//   hub -> tabs { t: "s" (state) | "e" (event) | "a" (ack, to one tab) | "m" (manager event) | "gone" }
// A message with `to` is for that tab only.

// Where the worker script lives: this script (the ES module's tail points it at the classic one).
let sharedScriptUrl =
  (typeof document !== "undefined" && document.currentScript && document.currentScript.src) || null;

const SHARED_MANAGER_EVENTS = ["reconnect_attempt", "reconnect", "reconnect_error", "reconnect_failed", "ping"];

function sharedRandomId() {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

// Options a hub in another context can get (structured clone): no functions, no implementations.
function sharedOpts(opts) {
  const out = {};
  for (const k in opts) {
    const v = opts[k];
    if (typeof v !== "function" && k !== "WebSocket" && k !== "timers" && k !== "shared") out[k] = v;
  }
  return out;
}

// Errors cross contexts as { __err: message } (not every channel clones Error objects).
const sharedPack = (args) => args.map((a) => (a instanceof Error ? { __err: a.message } : a));
const sharedUnpack = (args) => args.map((a) => (a && typeof a === "object" && "__err" in a ? new Error(a.__err) : a));

/**
 * Holds the one real Socket of a server+namespace for every tab. post(msg) delivers to every
 * tab, or to msg.to only. resume ({ pid, offset }) resumes a session another hub held (recovery).
 * Single-threaded: runs in one worker or one tab.
 */
class SharedHub {
  constructor(url, opts, post, resume) {
    // Every message carries the socket's next ack id: a hub resuming this session must not reuse
    // one (the server may answer a repeated id from its cache of answers).
    this.post = (m) => post(Object.assign(m, { ids: this.socket.ids }));
    this.serverAcks = new Map(); // k -> the server's ack function, until a tab answers
    this.nextServerAck = 0;
    const sock = (this.socket = io(url, Object.assign({}, opts, { shared: false, forceNew: true, autoConnect: false })));
    if (resume && resume.pid) {
      sock._pid = resume.pid;
      sock._lastOffset = resume.offset;
      // Past any id the last hub may have used after its last message.
      sock.ids = (resume.ids || 0) + 1000;
    }
    // The tabs hear "connect" before any event: a resumed session's missed events come before the
    // socket's own connect event, so the first of them announces it.
    this.up = false;
    sock.on("connect", () => this.announce());
    sock.on("disconnect", (reason) => {
      this.up = false;
      this.status("disconnect", reason);
    });
    sock.on("connect_error", (err) => this.status("connect_error", String((err && err.message) || err)));
    sock.onAny((...args) => this.event(args));
    for (const ev of SHARED_MANAGER_EVENTS) {
      sock.io.on(ev, (a) => this.post({ t: "m", ev, arg: a instanceof Error ? a.message : a }));
    }
    this.status(null);
    sock.connect();
  }

  state(to) {
    const s = this.socket;
    const e = s.io.engine;
    const transport = e && e.transport ? e.transport.name : undefined;
    return { t: "s", to, connected: s.connected, id: s.id, pid: s._pid, offset: s._lastOffset, recovered: !!s.recovered, transport };
  }

  announce() {
    if (this.up) return;
    this.up = true;
    this.status("connect");
  }

  status(ev, reason) {
    this.post(Object.assign(this.state(), { ev, reason }));
  }

  event(args) {
    const s = this.socket;
    if (s.connected) this.announce();
    const msg = { t: "e", args, pid: s._pid };
    if (args.length && typeof args[args.length - 1] === "function") {
      const k = ++this.nextServerAck;
      this.serverAcks.set(k, args[args.length - 1]);
      if (this.serverAcks.size > 1000) this.serverAcks.delete(this.serverAcks.keys().next().value);
      msg.args = args.slice(0, -1);
      msg.k = k;
    }
    const last = msg.args[msg.args.length - 1];
    if (s._pid && typeof last === "string") msg.offset = last;
    this.post(msg);
  }

  /** A message from a tab; anything malformed is ignored. */
  receive(m) {
    if (!m || typeof m !== "object") return;
    if (m.t === "hi") this.post(this.state(m.tab));
    else if (m.t === "emit" && Array.isArray(m.args) && m.args.length) {
      let s = this.socket;
      if (m.volatile) s = s.volatile;
      if (m.timeout != null) s = s.timeout(m.timeout);
      if (m.n == null) s.emit(...m.args);
      else {
        const fn = (...r) => this.post({ t: "a", to: m.tab, n: m.n, args: sharedPack(r) });
        fn.withError = !!m.we;
        s.emit(...m.args, fn);
      }
    } else if (m.t === "sa") {
      const fn = this.serverAcks.get(m.k);
      if (fn) {
        this.serverAcks.delete(m.k);
        fn(...(Array.isArray(m.args) ? m.args : []));
      }
    }
  }

  close() {
    this.socket.disconnect();
  }
}

/**
 * What a tab holds with { shared: true }: the Socket API over a hub shared with the other tabs.
 * `tabId` tells this tab apart (the server sees one socket for all tabs: put it in what you emit
 * when the server must know).
 */
class SharedSocket extends Emitter {
  constructor(url, key, opts, linkFactory) {
    super();
    this.tabId = sharedRandomId();
    this.connected = false;
    this.recovered = false;
    this.id = undefined;
    this.io = new Emitter(); // the manager's events (reconnect_attempt, reconnect, ...), relayed
    // What the hub's engine last said: only its transport name (no engine events cross over).
    this.io.engine = Object.assign(new Emitter(), { transport: { name: undefined }, upgrades: [] });
    this.shared = true;
    this._url = url;
    this._opts = opts;
    this._acks = new Map(); // n -> { cb, timer }
    this._n = 0;
    this.flags = {};
    this._anyListeners = [];
    this._anyOutgoingListeners = [];
    this._active = false;
    this._pid = undefined; // the session to resume if this tab ends up holding the connection
    this._offset = undefined;
    this._link = linkFactory(this, key);
    if (opts.autoConnect !== false) this.connect();
  }

  get active() {
    return this._active;
  }

  _hello() {
    return { t: "hi", tab: this.tabId, url: this._url, opts: sharedOpts(this._opts) };
  }

  connect() {
    if (this._active) return this;
    this._active = true;
    this._link.send(this._hello());
    return this;
  }

  open() {
    return this.connect();
  }

  /** This tab leaves; the connection stays while another tab uses it. */
  disconnect() {
    const was = this.connected;
    this._active = false;
    this.connected = false;
    this.id = undefined;
    this._link.send({ t: "bye", tab: this.tabId });
    if (was) Emitter.prototype.emit.call(this, "disconnect", "io client disconnect");
    return this;
  }

  close() {
    return this.disconnect();
  }

  emit(ev, ...args) {
    if (RESERVED_EVENTS.has(ev)) throw new Error('"' + String(ev) + '" is a reserved event name');
    const flags = this.flags;
    this.flags = {};
    if (flags.volatile && !this.connected) return this;
    const cb = typeof args[args.length - 1] === "function" ? args.pop() : null;
    const m = { t: "emit", tab: this.tabId, args: [ev, ...args] };
    if (flags.volatile) m.volatile = true;
    if (flags.timeout != null) m.timeout = flags.timeout;
    if (cb) {
      if (cb.withError) m.we = 1; // emitWithAck: the answer starts with an error slot
      const n = (m.n = ++this._n);
      const entry = { cb, timer: null };
      // The hub times the ack; this timer only covers a hub that went away with it.
      const limit = flags.timeout != null ? flags.timeout : this._opts.ackTimeout;
      if (limit != null) {
        entry.timer = setTimeout(() => {
          if (this._acks.delete(n)) cb(new Error("operation has timed out"));
        }, limit + 2000);
      }
      this._acks.set(n, entry);
    }
    for (const fn of this._anyOutgoingListeners.slice()) fn(ev, ...args);
    this._link.send(m);
    return this;
  }

  /** A message from the hub; anything malformed or for another tab is ignored. */
  _receive(m) {
    if (!m || typeof m !== "object" || (m.to && m.to !== this.tabId)) return;
    const fire = (...a) => Emitter.prototype.emit.apply(this, a);
    if (m.t === "s") {
      if (m.transport) this.io.engine.transport = { name: m.transport };
      if (m.pid) this._pid = m.pid;
      if (m.offset) this._offset = m.offset;
      if (!this._active) return;
      if (m.connected && !this.connected) {
        this.connected = true;
        this.id = m.id;
        this.recovered = !!m.recovered;
        fire("connect");
      } else if (!m.connected && this.connected) {
        this.connected = false;
        this.id = undefined;
        fire("disconnect", m.reason || "transport close");
      } else if (m.ev === "connect_error") {
        fire("connect_error", new Error(m.reason));
      }
    } else if (m.t === "e" && Array.isArray(m.args)) {
      if (m.pid) this._pid = m.pid;
      if (m.offset) this._offset = m.offset;
      if (!this._active || !this.connected) return;
      const args = m.args.slice();
      if (m.k != null) {
        let sent = false;
        args.push((...r) => {
          if (sent) return;
          sent = true;
          this._link.send({ t: "sa", k: m.k, args: r });
        });
      }
      for (const fn of this._anyListeners.slice()) fn.apply(this, args);
      fire(...args);
    } else if (m.t === "a") {
      const entry = this._acks.get(m.n);
      if (!entry) return;
      this._acks.delete(m.n);
      clearTimeout(entry.timer);
      entry.cb.apply(this, sharedUnpack(Array.isArray(m.args) ? m.args : []));
    } else if (m.t === "m") {
      this.io.emit(m.ev, m.arg);
    } else if (m.t === "gone") {
      if (m.pid) this._pid = m.pid;
      if (m.offset) this._offset = m.offset;
    }
  }
}

// The rest of the client API is Socket's own, over the same fields (flags, _anyListeners, ...).
for (const k of ["send", "compress", "volatile", "timeout", "emitWithAck", "disconnected", "onAny", "prependAny",
  "offAny", "listenersAny", "onAnyOutgoing", "prependAnyOutgoing", "offAnyOutgoing", "listenersAnyOutgoing"]) {
  Object.defineProperty(SharedSocket.prototype, k, Object.getOwnPropertyDescriptor(Socket.prototype, k));
}

const TAB_TO_HUB = { hi: 1, emit: 1, sa: 1, bye: 1 };

/**
 * The fallback: the tab holding the Web Lock "belay-leader:<key>" runs the hub; the others post to
 * it over BroadcastChannel "belay:<key>". The lock is freed when the leader's page goes away, the
 * next waiting tab then runs a hub that resumes the session (pid and offset of the last event the
 * tabs got). What a follower sends while no hub answers waits in `pending`.
 */
class LeaderLink {
  constructor(tab, key, env) {
    this.tab = tab;
    this.env = env; // { BroadcastChannel, locks, addEventListener } (browser globals by default)
    this.hub = null;
    this.hubSeen = false;
    this.pending = [];
    this.ids = 0; // the highest next ack id a hub has announced
    this.ch = new env.BroadcastChannel("belay:" + key);
    this.ch.onmessage = (e) => this.onMessage(e.data);
    env.locks.request("belay-leader:" + key, () => new Promise(() => this.lead()));
    if (env.addEventListener) {
      // Followers queue from now until the next hub speaks. The transport is closed now, so the
      // server frees the session for the next leader to resume; no namespace disconnect (that
      // would end the session).
      env.addEventListener("pagehide", () => {
        const hub = this.hub;
        if (!hub) return;
        this.ch.postMessage(Object.assign(hub.state(), { t: "gone", ids: hub.socket.ids }));
        hub.post = () => {};
        hub.socket.io.skipReconnect = true;
        if (hub.socket.io.engine) hub.socket.io.engine.close();
      });
    }
  }

  lead() {
    const tab = this.tab;
    const post = (m) => {
      this.ch.postMessage(m);
      tab._receive(m);
    };
    this.hub = new SharedHub(tab._url, tab._opts, post, { pid: tab._pid, offset: tab._offset, ids: this.ids });
    const queued = this.pending;
    this.pending = [];
    for (const m of queued) this.hub.receive(m);
  }

  send(m) {
    if (this.hub) this.hub.receive(m);
    else if (this.hubSeen || m.t === "hi") this.ch.postMessage(m);
    else this.pending.push(m);
  }

  onMessage(m) {
    if (!m || typeof m !== "object") return;
    if (typeof m.ids === "number" && m.ids > this.ids) this.ids = m.ids;
    if (TAB_TO_HUB[m.t]) {
      if (this.hub) this.hub.receive(m);
      return;
    }
    if (m.t === "gone") {
      this.hubSeen = false;
    } else if (!this.hubSeen && !this.hub) {
      this.hubSeen = true;
      // A new hub: say hello again, then what waited for it.
      if (this.tab._active) this.ch.postMessage(this.tab._hello());
      const queued = this.pending;
      this.pending = [];
      for (const q of queued) this.ch.postMessage(q);
    }
    this.tab._receive(m);
  }
}

/** The SharedWorker link: one port to the worker, which runs a hub per key. */
function workerLink(tab, key, env) {
  const worker = new env.SharedWorker(env.url, { name: "belay" });
  const port = worker.port;
  port.onmessage = (e) => tab._receive(e.data);
  port.start();
  // The worker learns of this tab's end when it can take this lock: nothing is sent before this
  // tab holds it (else the worker could take it first and drop the tab at once).
  let held = !env.locks;
  const waiting = [];
  const post = (m) => port.postMessage(Object.assign({ key }, m));
  if (env.locks) {
    env.locks.request("belay-tab:" + tab.tabId, () => {
      held = true;
      waiting.splice(0).forEach(post);
      return new Promise(() => {});
    });
  }
  const link = { send: (m) => (held ? post(m) : waiting.push(m)) };
  if (env.addEventListener) {
    env.addEventListener("pagehide", () => link.send({ t: "bye", tab: tab.tabId }));
    env.addEventListener("pageshow", (e) => {
      if (e.persisted && tab._active) link.send(tab._hello());
    });
  }
  return link;
}

/** The worker side: a hub per key, created by the first tab's hello, closed when its last tab leaves. */
function startSharedWorker(scope) {
  const hubs = new Map(); // key -> { hub, tabs: Map(tabId -> port) }; the worker is single-threaded
  const leave = (key, tabId) => {
    const entry = hubs.get(key);
    if (!entry || !entry.tabs.delete(tabId)) return;
    if (entry.tabs.size === 0) {
      hubs.delete(key);
      entry.hub.close();
    }
  };
  scope.onconnect = (e) => {
    const port = e.ports[0];
    port.onmessage = (ev) => {
      const m = ev.data;
      if (!m || typeof m !== "object" || typeof m.key !== "string" || typeof m.tab !== "string") return;
      let entry = hubs.get(m.key);
      if (m.t === "hi") {
        if (!entry) {
          if (typeof m.url !== "string") return;
          const tabs = new Map();
          const post = (msg) => {
            if (msg.to) {
              const p = tabs.get(msg.to);
              if (p) p.postMessage(msg);
            } else for (const p of tabs.values()) p.postMessage(msg);
          };
          try {
            entry = { tabs, hub: null };
            hubs.set(m.key, entry);
            entry.hub = new SharedHub(m.url, m.opts || {}, post);
          } catch (err) {
            hubs.delete(m.key);
            port.postMessage({ t: "s", to: m.tab, connected: false, ev: "connect_error", reason: String(err) });
            return;
          }
        }
        if (!entry.tabs.has(m.tab) && scope.navigator && scope.navigator.locks) {
          scope.navigator.locks.request("belay-tab:" + m.tab, () => leave(m.key, m.tab));
        }
        entry.tabs.set(m.tab, port);
      }
      if (!entry) return;
      if (m.t === "bye") leave(m.key, m.tab);
      else entry.hub.receive(m);
    };
    port.start();
  };
}

/** io(url, { shared: true }): the SharedWorker when there is one, else the leader tab; else a plain socket. */
function sharedSocket(parsed, opts) {
  const u = new URL(parsed.source);
  u.pathname = parsed.nsp;
  const url = String(u);
  const key = parsed.id + "|" + parsed.nsp + "|" + (parsed.query || "");
  const g = typeof globalThis !== "undefined" ? globalThis : {};
  const locks = g.navigator && g.navigator.locks;
  const on = typeof g.addEventListener === "function" ? g.addEventListener.bind(g) : null;
  const workerUrl = opts.sharedWorkerUrl || sharedScriptUrl;
  if (opts.shared !== "tabs" && typeof g.SharedWorker === "function" && workerUrl) {
    return new SharedSocket(url, key, opts, (tab, k) =>
      workerLink(tab, k, { SharedWorker: g.SharedWorker, url: workerUrl, locks, addEventListener: on }));
  }
  if (typeof g.BroadcastChannel === "function" && locks) {
    return new SharedSocket(url, key, opts, (tab, k) =>
      new LeaderLink(tab, k, { BroadcastChannel: g.BroadcastChannel, locks, addEventListener: on }));
  }
  return null;
}
