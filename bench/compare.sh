#!/usr/bin/env bash
# Before/after figures for one Belay server configuration: runs the bench contract from two
# builds (two belay-bench.jar files, e.g. one built at an older commit) in alternating fresh
# processes, ROUNDS times each, all driven by the generator of the second jar, so that both see
# the same machine load. Prints one line per process and scenario, and the medians per build.
#
# Usage: bench/compare.sh OLD_JAR NEW_JAR [server args...]
#   e.g. bench/compare.sh /tmp/old/bench/target/belay-bench.jar bench/target/belay-bench.jar
#        bench/compare.sh bench/target/belay-bench.jar bench/target/belay-bench.jar --recovery on  (same build, flag on the second)
# Environment: SCENARIOS [echo-ack:ws,echo-ack:polling,idle:ws,idle:polling]  ROUNDS [3]  CLIENTS [100]
#   INFLIGHT [10]  WARMUP [3]  DURATION [10]  IDLE_CLIENTS [10000]  IDLE_HTTP_CLIENTS [5000]  PORT [3600]
#   OLD_ARGS [server args for the first jar only]
set -euo pipefail
OLD=$1 NEW=$2
shift 2
NEW_ARGS=("$@")
read -r -a OLD_ARGS <<< "${OLD_ARGS:-}"
SCENARIOS=${SCENARIOS:-echo-ack:ws,echo-ack:polling,idle:ws,idle:polling}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-3600}
OUT=$(mktemp -d)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

run() { # label jar args...
  local label=$1 jar=$2
  shift 2
  java -jar "$jar" server --port "$PORT" "$@" > "$OUT/$label.server.log" 2>&1 &
  local pid=$!
  wait_port "$PORT" && wait_port $((PORT + 1))
  java -jar "$NEW" load --port "$PORT" --label "$label" --server-pid "$pid" --scenarios "$SCENARIOS" \
    --clients "${CLIENTS:-100}" --inflight "${INFLIGHT:-10}" --warmup "${WARMUP:-3}" --duration "${DURATION:-10}" \
    --idle-clients "${IDLE_CLIENTS:-10000}" --idle-http-clients "${IDLE_HTTP_CLIENTS:-5000}" --out "$OUT/$label.jsonl" || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  PORT=$((PORT + 2))
}

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  run before "$OLD" "${OLD_ARGS[@]}"
  run after "$NEW" "${NEW_ARGS[@]}"
done
cat "$OUT"/before.jsonl "$OUT"/after.jsonl
echo "== medians (round trips/s, server CPU µs per round trip, idle heap KB per connection)"
python3 - "$OUT" <<'PY'
import json, sys, statistics, pathlib
out = pathlib.Path(sys.argv[1])
for label in ("before", "after"):
    rows = [json.loads(l) for l in (out / f"{label}.jsonl").read_text().splitlines() if l.strip().startswith("{")]
    by = {}
    for r in rows:
        key = r.get("scenario") + ":" + r.get("transport", "")
        for field in ("perS", "cpuUsPerRoundTrip", "heapPerConnKb"):
            if field in r:
                by.setdefault((key, field), []).append(float(r[field]))
    for (key, field), values in sorted(by.items()):
        print(f"{label:7} {key:18} {field:22} median {statistics.median(values):,.2f}  all {[round(v, 2) for v in values]}")
PY
