import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { root, builtDir } from "./helpers.js";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

// Type-checks `source` importing "./socket.io.esm.js", with the shipped declarations beside it.
function typecheck(source) {
  mkdirSync(path.join(root, "target"), { recursive: true });
  const dir = mkdtempSync(path.join(root, "target", "tsc-"));
  copyFileSync(path.join(builtDir, "socket.io.esm.js"), path.join(dir, "socket.io.esm.js"));
  copyFileSync(path.join(builtDir, "socket.io.d.ts"), path.join(dir, "socket.io.esm.d.ts"));
  writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
  writeFileSync(path.join(dir, "usage.ts"), source);
  try {
    execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--target", "es2022", "--module", "nodenext",
      "--moduleResolution", "nodenext", "--lib", "es2022,dom", "usage.ts"], { cwd: dir, encoding: "utf8", stdio: "pipe" });
    return "";
  } catch (e) {
    return e.stdout + e.stderr;
  }
}

test("socket.io.d.ts type-checks a page's typical use (tsc --strict)", () => {
  const errors = typecheck(readFileSync(path.join(root, "test/types/usage.ts"), "utf8"));
  assert.equal(errors, "");
});

test("socket.io.d.ts rejects a misuse", () => {
  const errors = typecheck('import { io } from "./socket.io.esm.js";\nio("x", { transports: ["carrier-pigeon"] });\n');
  assert.match(errors, /carrier-pigeon/);
});
