#!/usr/bin/env bash
# Runs the whole comparison on this machine: Belay, Node socket.io 4.8, netty-socketio and the
# raw Undertow floor, one after another, each on a fresh JVM/process, all driven by the same
# wire-level generator; writes bench/results/<date>.md and .png. See bench/README.md.
#
# Sizes come from the environment (defaults in brackets):
#   SERVERS [belay belay-io belay-engine node netty floor; also belay-engine-io]  CLIENTS [100]  INFLIGHT [10]  WARMUP [3]  DURATION [10]  WINDOWS [1 echo window of DURATION per process]
#   FORKS [3: echo scenarios run in that many fresh server processes; the report takes medians]
#   FANOUT_CLIENTS [5000]  RATE [10]  IDLE_CLIENTS [10000 WebSocket]  IDLE_HTTP_CLIENTS [5000
#   polling/SSE: two connections each]  TTFE_TRIALS [50]  LOOPS [2]
#   BUILD [auto: build when the jar is missing; 1 forces, 0 skips]  PORT [3400]
#   REPORT [bench/results/<date>.md]  ONLY [all: a regex of the scenarios to run, e.g. 'x1$' for window 1]
#   JMH [1: also run the codec microbenchmarks, short settings, ~3 minutes; 0 skips]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=bench/target/belay-bench.jar

SERVERS=${SERVERS:-belay belay-io belay-engine node netty floor}
CLIENTS=${CLIENTS:-100}
INFLIGHT=${INFLIGHT:-10}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
WINDOWS=${WINDOWS:-1}
FORKS=${FORKS:-3}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-5000}
RATE=${RATE:-10}
IDLE_CLIENTS=${IDLE_CLIENTS:-10000}
IDLE_HTTP_CLIENTS=${IDLE_HTTP_CLIENTS:-5000}
TTFE_TRIALS=${TTFE_TRIALS:-50}
LOOPS=${LOOPS:-2}
PORT=${PORT:-3400}
BUILD=${BUILD:-auto}
JMH=${JMH:-1}

if [[ $BUILD == 1 || ( $BUILD == auto && ! -f $JAR ) ]]; then
  mvn -q -DskipTests package
fi
if [[ " $SERVERS " == *" node "* && ! -d bench/peers/node/node_modules ]]; then
  (cd bench/peers/node && npm ci --no-audit --no-fund --loglevel=error)
fi

# 10,000 clients need 10,000+ descriptors in the generator and as many in the server (twice that
# over polling and SSE). Raise the soft limit as far as the hard limit lets us.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

STAMP=$(date -u +%Y-%m-%d-%H%M)
DIR=bench/results/tmp/$STAMP
mkdir -p "$DIR"

{
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "kernel: $(uname -srm)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) × $(nproc) cores available"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MB"}')"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "node: $(node -v 2>/dev/null || echo absent)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "open files limit: $(ulimit -n)"
} > "$DIR/machine.txt"
cat > "$DIR/sizes.txt" <<SIZES
echo: $CLIENTS clients x $INFLIGHT in flight, warm-up ${WARMUP}s, measured in $WINDOWS window(s) of ${DURATION}s in each of $FORKS fresh server processes (round trips/s and CPU per round trip: medians over processes and windows; latencies: the median process)
fan-out: $FANOUT_CLIENTS receivers (+1 sender, also in the room) at $RATE broadcasts/s for ${DURATION}s
idle: $IDLE_CLIENTS WebSocket clients; $IDLE_HTTP_CLIENTS polling and SSE clients (two keep-alive connections each); at most 200 handshakes in flight
time to first event: $TTFE_TRIALS trials per transport, one after another
generator: $LOOPS selector threads, one JVM per server, sharing the cores with the server
SIZES

# Echo with one message in flight (nothing to batch), 100 clients and 1 client, beside the default size.
W1_HTTP="echo-ack:polling:100x1,echo-ack:sse:100x1,echo-ack:polling:1x1,echo-ack:sse:1x1"
W1_WS="echo-ack:ws:100x1,echo-ack:ws:1x1"
all_scenarios_for() {
  case $1 in
    belay|belay-io|belay-recovery|belay-engine|belay-engine-io) echo "idle:ws,idle:polling,idle:sse,ttfe:ws,ttfe:polling,ttfe:sse,echo-ack:ws,echo:ws,echo-ack:polling,echo-ack:sse,$W1_WS,$W1_HTTP,fanout:ws" ;;
    node|netty) echo "idle:ws,idle:polling,ttfe:ws,ttfe:polling,echo-ack:ws,echo:ws,echo-ack:polling,$W1_WS,echo-ack:polling:100x1,echo-ack:polling:1x1,fanout:ws" ;;
    floor) echo "idle:ws,ttfe:ws,echo-ack:ws,echo:ws,echo-ack:polling,echo-ack:sse,$W1_WS,$W1_HTTP,fanout:ws" ;;
  esac
}
# ONLY (an extended regular expression) keeps the scenarios it matches, e.g. ONLY='x1$' for the
# window-1 rows alone, ONLY='^echo-ack:polling' for long-polling echo.
scenarios_for() {
  all_scenarios_for "$1" | tr ',' '\n' | grep -E "${ONLY:-.}" | paste -sd, -
}

start_server() {
  case $1 in
    belay) exec java -jar $JAR server --port "$PORT" ;;
    belay-io) exec java -jar $JAR server --port "$PORT" --listeners io-thread ;;
    belay-recovery) exec java -jar $JAR server --port "$PORT" --recovery on ;;
    belay-engine) exec java -jar $JAR engine-server --port "$PORT" ;;
    belay-engine-io) exec java -jar $JAR engine-server --port "$PORT" --listeners io-thread ;;
    netty) exec java -jar $JAR netty-server --port "$PORT" ;;
    floor) exec java -jar $JAR floor-server --port "$PORT" ;;
    node) exec node --expose-gc bench/peers/node/server.js --port "$PORT" ;;
  esac
}

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

pid=""
# Never leave a server behind, whatever stops this script.
trap 'if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi' EXIT

# One fresh server process runs the scenarios given; its rows are appended to $DIR/<server>.jsonl.
run_one() {
  local s=$1 scenarios=$2
  start_server "$s" > "$DIR/$s.server.log" 2>&1 &
  pid=$!
  if ! wait_port "$PORT" || ! wait_port $((PORT + 1)); then
    echo "$s did not start; see $DIR/$s.server.log"
    kill "$pid" 2>/dev/null || true
    echo "{\"server\":\"$s\",\"scenario\":\"echo-ack\",\"transport\":\"ws\",\"error\":\"server did not start\"}" >> "$DIR/$s.jsonl"
    return
  fi
  java -jar $JAR load --port "$PORT" --label "$s" --server-pid "$pid" --loops "$LOOPS" \
    --scenarios "$scenarios" --clients "$CLIENTS" --inflight "$INFLIGHT" \
    --warmup "$WARMUP" --duration "$DURATION" --windows "$WINDOWS" --fanout-clients "$FANOUT_CLIENTS" --rate "$RATE" \
    --idle-clients "$IDLE_CLIENTS" --idle-http-clients "$IDLE_HTTP_CLIENTS" --ttfe-trials "$TTFE_TRIALS" --out "$DIR/$s.jsonl" || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  PORT=$((PORT + 2)) # a fresh port: no TIME_WAIT or lingering socket of the last server in the way
}

for s in $SERVERS; do
  scenarios=$(scenarios_for "$s")
  [[ -z $scenarios ]] && continue
  echo "== $s"
  run_one "$s" "$scenarios"
  # Echo again in more fresh processes: one JVM's JIT and thread placement move CPU per round trip
  # by up to ~15% from one process to the next, more than windows within one process differ.
  echo_only=$(echo "$scenarios" | tr ',' '\n' | grep '^echo' | paste -sd, -)
  [[ -z $echo_only ]] && continue
  for fork in $(seq 2 "$FORKS"); do
    echo "== $s (echo, process $fork of $FORKS)"
    run_one "$s" "$echo_only"
  done
done

if [[ $JMH == 1 ]]; then
  echo "== jmh"
  java -jar $JAR jmh -wi 2 -i 3 -w 1 -r 1 -f 1 2>&1 | sed -n '/^Benchmark /,$p' > "$DIR/jmh.txt" || true
fi

DAY=$(date -u +%Y-%m-%d)
OUT=${REPORT:-bench/results/$DAY.md}
java -jar $JAR report --in "$DIR" --out "$OUT"
# Keep the raw lines beside the report: they are the evidence for its figures.
mkdir -p "bench/results/raw/$STAMP" && cp "$DIR"/*.jsonl "$DIR"/*.txt "bench/results/raw/$STAMP/"
if [[ $OUT == /* ]]; then echo "report: $OUT"; else echo "report: $ROOT/$OUT"; fi
