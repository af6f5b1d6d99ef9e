#!/usr/bin/env bash
# WebSocket echo over ws and over wss, side by side, against `belay-examples.jar conformance`
# (plain, then --tls) on 127.0.0.1. Needs examples/target/belay-examples.jar (mvn -DskipTests
# package) and node with the transports' Node modules installed (transports/src/test/node).
# Prints, per run, the round trips/s the Node client measured and the server's CPU per round trip
# (from /proc/<pid>/stat over the measured window, so the client's own TLS cost is not counted).
# Env: CLIENTS (50), INFLIGHT (10), DURATION (10, seconds), ROUNDS (3), PORT (3500).
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS=${CLIENTS:-50} INFLIGHT=${INFLIGHT:-10} DURATION=${DURATION:-10} ROUNDS=${ROUNDS:-3} PORT=${PORT:-3500}
TICKS=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  for mode in ws wss; do
    flag=""; scheme="ws"
    if [ "$mode" = wss ]; then flag="--tls"; scheme="wss"; fi
    java -jar examples/target/belay-examples.jar conformance --port "$PORT" $flag > /tmp/belay-tls-bench.log 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q "conformance fixtures on" /tmp/belay-tls-bench.log && break; sleep 0.2; done
    # Warm-up run (JIT), then the measured run with the server's CPU sampled around it.
    node bench/tls/ws-echo.mjs "$scheme://127.0.0.1:$PORT/engine.io/" "$CLIENTS" "$INFLIGHT" 1 3 > /dev/null
    before=$(cpu $pid)
    line=$(node bench/tls/ws-echo.mjs "$scheme://127.0.0.1:$PORT/engine.io/" "$CLIENTS" "$INFLIGHT" 0 "$DURATION")
    after=$(cpu $pid)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    trips=$(echo "$line" | sed 's/.*"roundTrips":\([0-9]*\).*/\1/')
    persec=$(echo "$line" | sed 's/.*"perSecond":\([0-9]*\).*/\1/')
    us=$(awk -v c=$((after - before)) -v t="$TICKS" -v n="$trips" 'BEGIN { printf "%.1f", c / t * 1e6 / n }')
    echo "round $round $mode: $persec round trips/s, server CPU $us µs per round trip"
  done
done
