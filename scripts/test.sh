#!/usr/bin/env bash
# Runs every Belay test: unit, integration, interop with the official clients (Node), browser
# tests (headless Chromium), proxy tests (nginx, HAProxy) and cluster tests (redis-server, which the tests
# start themselves on a free port). Installs the system packages the tests need
# when run as root; otherwise says exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have java || missing+=(openjdk-17-jdk-headless)
have mvn || missing+=(maven)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have chromium || missing+=(chromium)
have chromedriver || missing+=(chromium-driver)
have nginx || missing+=(nginx)
have haproxy || missing+=(haproxy)
have redis-server || missing+=(redis-server)
have curl || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "The tests need: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# The official Node clients used by the interop tests (versions pinned by package-lock.json).
(cd transports/src/test/node && npm ci --no-audit --no-fund --loglevel=error)

# The reconnect-storm test holds ~9,000 sockets in one JVM (clients and server): raise the
# open-file limit where the hard limit allows; the test itself says so if it is still too low.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec mvn -B -ntp verify "$@"
