// ---- io.js: io(url?, options), the Manager cache per origin ----

const managers = {};

function parseUrl(uri, path) {
  const loc = typeof location !== "undefined" ? location : null;
  if (uri == null) uri = loc ? loc.protocol + "//" + loc.host : "http://localhost";
  uri = String(uri);
  if (uri.startsWith("//")) uri = (loc ? loc.protocol : "https:") + uri;
  else if (uri.startsWith("/")) uri = (loc ? loc.protocol + "//" + loc.host : "http://localhost") + uri;
  else if (!/^(https?|wss?):\/\//i.test(uri)) uri = (loc ? loc.protocol + "//" : "https://") + uri;
  const u = new URL(uri);
  const secure = u.protocol === "https:" || u.protocol === "wss:";
  const port = u.port || (secure ? "443" : "80");
  const scheme = secure ? "https" : "http";
  const host = u.hostname;
  return {
    source: scheme + "://" + host + ":" + port + (u.search || ""),
    id: scheme + "://" + host + ":" + port + path,
    nsp: decodeURIComponent(u.pathname) || "/",
    query: u.search,
  };
}

/** io(url?, options): a Socket for the url's namespace, sharing one Manager per origin and path. */
function io(uri, opts) {
  if (uri && typeof uri === "object") {
    opts = uri;
    uri = undefined;
  }
  opts = opts || {};
  const parsed = parseUrl(uri, opts.path || "/socket.io");
  if (opts.shared && !opts.forceNew) {
    // One connection for all tabs of the origin; a plain socket where the browser cannot share.
    const shared = sharedSocket(parsed, opts);
    if (shared) return shared;
  }
  const cached = managers[parsed.id];
  const sameNamespace = cached && parsed.nsp in cached.nsps;
  const newConnection = opts.forceNew || opts["force new connection"] || opts.multiplex === false || sameNamespace;
  let manager;
  if (newConnection) {
    manager = new Manager(parsed.source, opts);
  } else {
    if (!cached) managers[parsed.id] = new Manager(parsed.source, opts);
    manager = managers[parsed.id];
  }
  return manager.socket(parsed.nsp, opts);
}

// Internals exposed for tests and for advanced use; not part of the socket.io-client API.
const _internals = {
  EngineSocket,
  Race,
  TransportMemory,
  Backoff,
  SseParser,
  SocketDecoder,
  PacketType,
  encodePacket,
  decodePacket,
  encodePayload,
  decodePayload,
  encodeSocketPacket,
  decodeSocketString,
  parseHandshake,
  utf8ToBase64,
  base64ToUtf8,
  createTransport,
  managers,
  SharedHub,
  SharedSocket,
  LeaderLink,
  startSharedWorker,
};
