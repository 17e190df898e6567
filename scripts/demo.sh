#!/usr/bin/env bash
# The main job: starts the local stack (KRaft broker, Redis master + 2 replicas + 3 Sentinels, PostgreSQL,
# dedup-processor, payments-consumer) on 127.0.0.1, pushes duplicated payments through the whole pipeline while
# killing the Redis master and the processor, verifies the ledger and prints the report; the last line is JSON.
# Exits non-zero when any payment leaked or was lost. Stops everything it started, also on Ctrl-C.
#
# Settings (environment): DEMO_EVENTS (100000), DEMO_DUPLICATE_PERCENT (30), DEMO_MALFORMED_PERCENT (1),
# DEMO_SEED (42), DEMO_RATE records/s produced (4000). Needs only Java 17 and Maven.
set -euo pipefail

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "scripts/demo.sh: $tool is not on PATH (needs Java 17 and Maven)" >&2; exit 1; }
done
cd "$(dirname "$0")/.."
mkdir -p .stack
classpath_file=.stack/demo-classpath.txt

# Build what is missing or older than the sources.
if [[ ! -s "$classpath_file" || ! -d load/target/classes ]] \
   || [[ -n "$(find . -path ./.stack -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.sql' -o -name '*.lua' \) -newer "$classpath_file" -print -quit)" ]]; then
  echo "building Quondam (mvn install, tests skipped)..."
  mvn -B -q -Dstyle.color=never install -DskipTests
  mvn -B -q -Dstyle.color=never -f load/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$classpath_file" >/dev/null
fi

exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "load/target/classes:$(cat "$classpath_file")" io.quondam.load.DemoCli
