#!/usr/bin/env bash
# Puts the Socket.IO Admin UI (ui/dist of the npm package @socket.io/admin-ui, version pinned by
# package-lock.json) into the examples' classes at dev/belay/examples/admin-ui/, for chat --admin.
# Its page loads its icon font (@mdi/font) from a CDN: the same package comes from npm too and the
# page's link points at the local copy, so the UI works with no internet (only the Roboto web font
# stays remote; the browser falls back to its own sans-serif).
# Runs npm ci only when the lock file changed. Without npm (or when npm ci fails): fails when CI=true, otherwise
# warns and builds without the UI (chat --admin then says so).
# Usage: fetch.sh <work dir> <classes dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$1"
out="$2/dev/belay/examples/admin-ui"
if ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: the examples need npm to fetch @socket.io/admin-ui, and CI=true: failing the build." >&2
    exit 1
  fi
  echo "WARNING: npm not found: the examples are built WITHOUT the Admin UI (chat --admin serves only /admin)." >&2
  exit 0
fi
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$work/"
stamp="$work/node_modules/.belay-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  if ! (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); then
    if [ "${CI:-}" = "true" ]; then
      echo "ERROR: npm ci of @socket.io/admin-ui failed, and CI=true: failing the build." >&2
      exit 1
    fi
    echo "WARNING: npm ci failed (no registry, no cache?): the examples are built WITHOUT the Admin UI." >&2
    exit 0
  fi
  cp "$here/package-lock.json" "$stamp"
fi
rm -rf "$out"
mkdir -p "$out"
cp -R "$work/node_modules/@socket.io/admin-ui/ui/dist/." "$out/"
cp "$work/node_modules/@socket.io/admin-ui/LICENSE" "$out/LICENSE.txt"
find "$out" -name '*.map' -delete
mdi="$work/node_modules/@mdi/font"
mkdir -p "$out/mdi/css" "$out/mdi/fonts"
cp "$mdi/css/materialdesignicons.min.css" "$out/mdi/css/"
cp "$mdi/fonts/materialdesignicons-webfont.woff2" "$out/mdi/fonts/" # the browsers the UI supports read woff2
cp "$mdi/LICENSE" "$out/mdi/LICENSE.txt"
cdn='https://cdn.jsdelivr.net/npm/@mdi/font@latest/css/materialdesignicons.min.css'
grep -qF "$cdn" "$out/index.html" || { echo "ERROR: the Admin UI's index.html no longer links $cdn" >&2; exit 1; }
sed -i "s#$cdn#mdi/css/materialdesignicons.min.css#" "$out/index.html"
