// ---- registry.js: every transport the client knows, most preferred first ----
// A new transport is its class (a Transport subclass, see transports.js) and one entry here: the
// names the `transports` option accepts, the order upgrades go in and the factory all derive from
// this list, as on the server (TransportKind).

const TRANSPORTS = [
  { name: "websocket", create: (opts) => new WebSocketTransport(opts) },
  { name: "sse", create: (opts) => new SseTransport(opts) },
  { name: "polling", create: (opts) => new PollingTransport(opts) },
];

const KNOWN_TRANSPORTS = TRANSPORTS.map((t) => t.name);

function createTransport(name, opts) {
  const entry = TRANSPORTS.find((t) => t.name === name);
  if (!entry) throw new Error("unknown transport " + name);
  return entry.create(opts);
}
