#!/usr/bin/env bash
# Minifies the assembled client with esbuild (the exact version pinned in package.json):
# socket.io.min.js and socket.io.esm.min.js, each with its source map. Run from js-client/ with the
# output folder as argument. Without node: fails when CI=true, else warns and ships no .min files
# (the server then serves only the full ones).
set -euo pipefail
out="$1"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: building socket.io.min.js needs node (>= 20) and npm on the PATH, and CI=true: failing the build." >&2
    exit 1
  fi
  echo "WARNING: node/npm not found: socket.io.min.js and socket.io.esm.min.js are NOT built." >&2
  exit 0
fi
stamp=node_modules/.belay-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp" || [ ! -x node_modules/.bin/esbuild ]; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
# Same syntax level as the sources (no down-levelling); internal properties (_name) get short
# names too (nothing outside the file reads them: the ES module's worker is the classic script,
# and what crosses between them are messages, whose keys are not mangled; the wire format's
# _placeholder is kept); the /*! banner stays.
node_modules/.bin/esbuild "$out/socket.io.js" --minify --mangle-props=^_[a-z] --reserve-props=^_placeholder$ --sourcemap --legal-comments=inline \
  --log-level=warning --outfile="$out/socket.io.min.js"
node_modules/.bin/esbuild "$out/socket.io.esm.js" --minify --mangle-props=^_[a-z] --reserve-props=^_placeholder$ --sourcemap --legal-comments=inline --format=esm \
  --log-level=warning --outfile="$out/socket.io.esm.min.js"
