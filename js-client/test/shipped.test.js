// What the jar ships: the classic script, the ES module, the declarations, and one source of truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { loadClient, readBuilt, root, startReferenceServer, once } from "./helpers.js";

test("the classic script defines the global io (with Manager and Socket) and connects", async () => {
  const code = readBuilt("socket.io.js");
  const g = {
    fetch, URL, TextEncoder, TextDecoder, AbortController, Blob, btoa, atob, console,
    setTimeout, clearTimeout, Promise, ArrayBuffer, Uint8Array,
  };
  const ctx = vm.createContext(g);
  vm.runInContext(code, ctx, { filename: "socket.io.js" });
  assert.equal(typeof ctx.io, "function");
  assert.equal(typeof ctx.io.Manager, "function");
  assert.equal(typeof ctx.io.Socket, "function");
  assert.equal(ctx.io.connect, ctx.io);
  const srv = await startReferenceServer();
  try {
    srv.io.on("connection", (s) => s.emit("hi", "from server"));
    const s = ctx.io(srv.url, { transports: ["polling"] });
    const [msg] = await once(s, "hi");
    assert.equal(msg, "from server");
    assert.equal(s.io.engine.transport.name, "polling");
    s.disconnect();
  } finally {
    await srv.close();
  }
});

test("the ES module exports io (default too), Manager and Socket", async () => {
  const m = await loadClient();
  assert.equal(typeof m.io, "function");
  assert.equal(m.default, m.io);
  assert.equal(typeof m.Manager, "function");
  assert.equal(typeof m.Socket, "function");
  const esm = readBuilt("socket.io.esm.js");
  const classic = readBuilt("socket.io.js");
  const body = (s) => s.substring(s.indexOf("// ---- emitter.js"), s.indexOf("// Internals exposed"));
  assert.equal(body(esm), body(classic), "both forms carry the same client source");
});

test("every source part is listed in parts.txt, and each stays under 800 lines", () => {
  const src = path.join(root, "src/main/js");
  const parts = readFileSync(path.join(src, "parts.txt"), "utf8").split(/\s+/).filter(Boolean);
  const files = readdirSync(src).filter((f) => f.endsWith(".js")).sort();
  assert.deepEqual([...parts].sort(), files);
  for (const f of files) {
    const lines = readFileSync(path.join(src, f), "utf8").split("\n").length;
    assert.ok(lines < 800, `${f} has ${lines} lines`);
  }
});

test("the declarations describe io, Manager, Socket and the transports", () => {
  const dts = readFileSync(path.join(root, "src/main/resources/dev/belay/client/socket.io.d.ts"), "utf8");
  for (const s of ["export declare function io", "export declare class Manager", "export declare class Socket", '"sse"', "emitWithAck", "declare global"]) {
    assert.ok(dts.includes(s), s);
  }
});
