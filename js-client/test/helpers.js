// Shared test helpers: the shipped client, a Node reference socket.io server, events as promises.
import { readFileSync, statSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { Server } from "socket.io";
import WebSocket from "ws";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "..");
export const builtDir = path.join(root, "target/classes/dev/belay/client");
const srcDir = path.join(root, "src/main/js");

/** The ES module exactly as the jar ships it (Maven's generate-resources builds it before tests). */
export async function loadClient() {
  const file = path.join(builtDir, "socket.io.esm.js");
  let built;
  try {
    built = statSync(file).mtimeMs;
  } catch (e) {
    throw new Error("no " + file + ": run `mvn -pl js-client generate-resources` first");
  }
  const newest = Math.max(
    ...readdirSync(srcDir, { recursive: true })
      .filter((f) => f.endsWith(".js") || f.endsWith(".txt"))
      .map((f) => statSync(path.join(srcDir, f)).mtimeMs)
  );
  if (newest > built) throw new Error(file + " is older than src/main/js: run `mvn -pl js-client generate-resources`");
  return import(pathToFileURL(file).href);
}

export function readBuilt(name) {
  return readFileSync(path.join(builtDir, name), "utf8");
}

export { WebSocket };

/** A Node reference socket.io 4.8 server on an ephemeral port. */
export async function startReferenceServer(opts = {}) {
  const http = createServer();
  const io = new Server(http, Object.assign({ cors: { origin: "*" } }, opts));
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  const port = http.address().port;
  return {
    io,
    http,
    port,
    url: "http://127.0.0.1:" + port,
    close: () =>
      new Promise((r) => {
        io.close();
        http.closeAllConnections?.();
        http.close(() => r());
      }),
  };
}

/** Resolves with the arguments of the next `event` (as an array); rejects after `ms`. */
export function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for " + event)), ms);
    const fn = (...args) => {
      clearTimeout(timer);
      emitter.off ? emitter.off(event, fn) : emitter.removeListener(event, fn);
      resolve(args);
    };
    emitter.on(event, fn);
  });
}

/**
 * A fake clock: setTimeout/clearTimeout/now driven by advance(ms), which runs due timers in time
 * order (and those they schedule) and lets promise jobs run between them.
 */
export class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.timers = new Map();
    this.seq = 0;
    this.setTimeout = (fn, ms) => {
      const id = ++this.seq;
      this.timers.set(id, { at: this.t + Math.max(0, ms || 0), fn, id });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
    this.now = () => this.t;
  }

  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      let next = null;
      for (const tm of this.timers.values()) if (tm.at <= end && (!next || tm.at < next.at || (tm.at === next.at && tm.id < next.id))) next = tm;
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flushMicrotasks();
  }
}

export async function flushMicrotasks() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
