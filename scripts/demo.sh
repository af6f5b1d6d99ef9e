#!/usr/bin/env bash
# Builds Belay and runs the demo: the chat example on http://localhost:8080 (--port N to change).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q package -DskipTests
exec java -jar examples/target/belay-examples.jar chat --host 0.0.0.0 "$@"
