#!/usr/bin/env bash
# The cost of a forwarded request: long-polling echo on a two-node Belay cluster with forwarding
# on (one redis-server), once "sticky" (every request of a session on the node that holds it) and
# once "forwarded" (the handshake on node 1, every later GET and POST on node 2, which hands each
# to node 1 through its reverse proxy: 100% of the requests land on a node that does not hold the
# session). Fresh nodes for every run; the modes alternate. The generator prints a row per run and
# appends its JSON lines to bench/results/raw/<stamp>-forwarding/; see bench/README.md,
# "Without sticky sessions".
#
# Sizes come from the environment (defaults in brackets):
#   CLIENTS [100]  INFLIGHT [1 10: each runs]  WARMUP [3 s]  DURATION [10 s]  ROUNDS [3]
#   LOOPS [2 generator threads]  PORT [3600]  REDIS_PORT [the first free port from 6500]
#   BUILD [auto: build when the jar is missing; 1 forces, 0 skips]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=bench/target/belay-bench.jar

CLIENTS=${CLIENTS:-100}
INFLIGHT=${INFLIGHT:-1 10}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
LOOPS=${LOOPS:-2}
PORT=${PORT:-3600}
BUILD=${BUILD:-auto}

command -v redis-server > /dev/null || { echo "redis-server is required (apt-get install redis-server)"; exit 1; }
if [[ $BUILD == 1 || ( $BUILD == auto && ! -f $JAR ) ]]; then
  mvn -q -DskipTests package
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 600); do
    if port_open "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}

if [[ -z ${REDIS_PORT:-} ]]; then
  REDIS_PORT=6500
  while port_open "$REDIS_PORT"; do REDIS_PORT=$((REDIS_PORT + 1)); done
fi
REDIS_URI=redis://127.0.0.1:$REDIS_PORT
STAMP=$(date -u +%Y-%m-%d-%H%M)
DIR=bench/results/raw/$STAMP-forwarding
mkdir -p "$DIR/redis"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$ROOT/$DIR/redis" \
  > "$DIR/redis/redis.log" 2>&1 &
pids+=("$!")
wait_port "$REDIS_PORT" || { echo "redis-server did not start; see $DIR/redis/redis.log"; exit 1; }
{
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) × $(nproc) cores available"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "sizes: $CLIENTS clients, in flight: $INFLIGHT, ${WARMUP}s warm-up, ${DURATION}s measured, $ROUNDS rounds"
} > "$DIR/machine.txt"

run() { # mode inflight
  local mode=$1 inflight=$2 p1=$PORT p2=$((PORT + 2))
  redis-cli -p "$REDIS_PORT" flushall > /dev/null
  java -jar $JAR server --port "$p1" --redis "$REDIS_URI" --forwarding > "$DIR/$mode-$inflight-1.log" 2>&1 &
  local n1=$!
  java -jar $JAR server --port "$p2" --redis "$REDIS_URI" --forwarding > "$DIR/$mode-$inflight-2.log" 2>&1 &
  local n2=$!
  pids+=("$n1" "$n2")
  echo "load average before $mode/$inflight: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$DIR/machine.txt"
  wait_port "$p1" && wait_port "$p2"
  local target=(--port "$p1")
  [[ $mode == forwarded ]] && target=(--port "$p2" --handshake-port "$p1")
  java -jar $JAR load "${target[@]}" --label "$mode-w$inflight" --server-pid "$n1,$n2" --loops "$LOOPS" \
    --scenarios echo-ack:polling --clients "$CLIENTS" --inflight "$inflight" --warmup "$WARMUP" \
    --duration "$DURATION" --out "$DIR/forwarding.jsonl" || true
  kill "$n1" "$n2" 2>/dev/null || true
  wait "$n1" "$n2" 2>/dev/null || true
  PORT=$((PORT + 4))
}

for round in $(seq 1 "$ROUNDS"); do
  for inflight in $INFLIGHT; do
    for mode in sticky forwarded; do
      echo "== $mode, $inflight in flight (round $round of $ROUNDS)"
      run "$mode" "$inflight"
    done
  done
done
echo "raw lines: $ROOT/$DIR/forwarding.jsonl"
