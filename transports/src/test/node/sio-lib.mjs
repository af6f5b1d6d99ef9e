// Helpers for the interop scripts: every script prints one line per check and exits 0 only when
// all of them passed. A watchdog fails the script instead of letting it hang.
import { io } from "socket.io-client";

export function fail(message) {
  console.error("FAIL " + message);
  process.exit(1);
}

export function watchdog(ms = 15000) {
  setTimeout(() => fail("watchdog: script did not finish within " + ms + " ms"), ms).unref();
}

export function options(mode, extra = {}) {
  const opts = { forceNew: true, reconnection: false, timeout: 5000, ...extra };
  if (mode === "polling") opts.transports = ["polling"];
  else if (mode === "websocket") opts.transports = ["websocket"];
  return opts;
}

/** Connects and resolves once the namespace answered CONNECT; rejects on connect_error. */
export function connect(url, opts) {
  const socket = io(url, opts);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(err));
  });
}

/** Resolves with the arguments of the next `event`. */
export function next(socket, event) {
  return new Promise((resolve) => socket.once(event, (...args) => resolve(args)));
}

export function check(name, condition, detail) {
  if (!condition) fail(name + ": " + JSON.stringify(detail));
  console.log("OK " + name);
}

/** Emits with an acknowledgement and resolves with all of its arguments (emitWithAck keeps only the first). */
export function ackAll(socket, event, ...args) {
  return new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, ...args, (err, ...reply) => (err ? reject(err) : resolve(reply))));
}
