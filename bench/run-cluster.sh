#!/usr/bin/env bash
# Cross-node fan-out: one broadcast reaching clients spread over two nodes that share one
# redis-server, Belay (RedisStreamsAdapter) against Node socket.io 4.8
# (@socket.io/redis-streams-adapter 0.3.1), one kind after the other on the same Redis, driven by
# the same generator (scenario fanout-cluster:ws); writes bench/results/<date>-cluster.md. See
# bench/README.md, "Cross-node fan-out".
#
# Sizes come from the environment (defaults in brackets):
#   KINDS [belay node]  FANOUT_CLIENTS [5000 receivers, + the sender]  RATE [10 broadcasts/s]
#   DURATION [10 s measured]  WARMUP [3 s of unmeasured broadcasts first]  ROUNDS [1: each kind
#   runs that many times, alternating]  LOOPS [2 generator threads]  PORT [3500: node 1 on PORT,
#   node 2 on PORT+2, admin ports +1]  REDIS_PORT [the first free port from 6400]
#   BUILD [auto: build when the jar is missing; 1 forces, 0 skips]  REPORT [bench/results/<date>-cluster.md]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=bench/target/belay-bench.jar

KINDS=${KINDS:-belay node}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-5000}
RATE=${RATE:-10}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-1}
LOOPS=${LOOPS:-2}
PORT=${PORT:-3500}
BUILD=${BUILD:-auto}

command -v redis-server > /dev/null || { echo "redis-server is required (apt-get install redis-server)"; exit 1; }
if [[ $BUILD == 1 || ( $BUILD == auto && ! -f $JAR ) ]]; then
  mvn -q -DskipTests package
fi
if [[ " $KINDS " == *" node "* && ! -d bench/peers/node/node_modules/@socket.io/redis-streams-adapter ]]; then
  (cd bench/peers/node && npm ci --no-audit --no-fund --loglevel=error)
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
  REDIS_PORT=6400
  while port_open "$REDIS_PORT"; do REDIS_PORT=$((REDIS_PORT + 1)); done
fi
REDIS_URI=redis://127.0.0.1:$REDIS_PORT

STAMP=$(date -u +%Y-%m-%d-%H%M)
DIR=bench/results/tmp/$STAMP-cluster
mkdir -p "$DIR/redis"

pids=()
# Never leave a node or Redis behind, whatever stops this script.
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$ROOT/$DIR/redis" \
  > "$DIR/redis/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
wait_port "$REDIS_PORT" || { echo "redis-server did not start; see $DIR/redis/redis.log"; exit 1; }

{
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "kernel: $(uname -srm)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) × $(nproc) cores available"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MB"}')"
  echo "java: $(java -version 2>&1 | head -2 | tail -1)"
  echo "node: $(node -v 2>/dev/null || echo absent)"
  echo "redis: $(redis-server --version | cut -d' ' -f3)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "open files limit: $(ulimit -n)"
} > "$DIR/machine.txt"
cat > "$DIR/sizes.txt" <<SIZES
fan-out across nodes: $FANOUT_CLIENTS receivers + 1 sender, dealt in turn to 2 nodes (sender on node 1), all in the room; $RATE broadcasts/s, ${WARMUP}s unmeasured then ${DURATION}s measured
cluster: one redis-server $(redis-server --version | cut -d' ' -f3) ($REDIS_URI, no persistence), flushed before each kind; each node a fresh process
rounds: $ROUNDS per kind, alternating ($KINDS)
generator: $LOOPS selector threads in one JVM, sharing the cores with both nodes and Redis
SIZES

start_node() {
  case $1 in
    belay) exec java -jar $JAR server --port "$2" --redis "$REDIS_URI" ;;
    node) exec node --expose-gc bench/peers/node/server.js --port "$2" --redis "$REDIS_URI" ;;
  esac
}

run_kind() {
  local kind=$1 p1=$PORT p2=$((PORT + 2))
  redis-cli -p "$REDIS_PORT" flushall > /dev/null
  start_node "$kind" "$p1" > "$DIR/$kind-1.server.log" 2>&1 &
  local n1=$!
  start_node "$kind" "$p2" > "$DIR/$kind-2.server.log" 2>&1 &
  local n2=$!
  pids+=("$n1" "$n2")
  # The load from other work moves every figure here: record it beside each run's row.
  echo "load average before $kind run $round: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$DIR/machine.txt"
  if ! wait_port "$p1" || ! wait_port "$p2"; then
    echo "$kind did not start; see $DIR/$kind-*.server.log"
    echo "{\"server\":\"$kind\",\"scenario\":\"fanout-cluster\",\"transport\":\"ws\",\"error\":\"nodes did not start\"}" >> "$DIR/$kind.jsonl"
  else
    java -jar $JAR load --port "$p1" --ports "$p1,$p2" --label "$kind" --server-pid "$n1,$n2" \
      --redis-pid "$redis_pid" --loops "$LOOPS" --scenarios fanout-cluster:ws \
      --fanout-clients "$FANOUT_CLIENTS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" \
      --out "$DIR/$kind.jsonl" || true
  fi
  kill "$n1" "$n2" 2>/dev/null || true
  wait "$n1" "$n2" 2>/dev/null || true
  PORT=$((PORT + 4)) # fresh ports: no TIME_WAIT or lingering socket of the last nodes in the way
}

for round in $(seq 1 "$ROUNDS"); do
  for kind in $KINDS; do
    echo "== $kind ×2 (round $round of $ROUNDS)"
    run_kind "$kind"
  done
done

DAY=$(date -u +%Y-%m-%d)
OUT=${REPORT:-bench/results/$DAY-cluster.md}
java -jar $JAR cluster-report --in "$DIR" --out "$OUT"
# Keep the raw lines beside the report: they are the evidence for its figures.
mkdir -p "bench/results/raw/$STAMP-cluster" && cp "$DIR"/*.jsonl "$DIR"/*.txt "bench/results/raw/$STAMP-cluster/"
if [[ $OUT == /* ]]; then echo "report: $OUT"; else echo "report: $ROOT/$OUT"; fi
