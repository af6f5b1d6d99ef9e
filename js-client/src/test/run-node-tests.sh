#!/usr/bin/env bash
# npm ci (only when the lock file changed) then node --test over test/. Run from js-client/.
set -euo pipefail
if [ -f target/.no-node ]; then rm -f target/.no-node; exit 0; fi
stamp=node_modules/.belay-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
exec node --test --test-concurrency=1 test/*.test.js
