#!/usr/bin/env bash
# The local stack on 127.0.0.1 without Docker: one KRaft broker, Redis master + 2 replicas + 3 Sentinels.
# Runs io.quondam.stack.StackCli from the test-support module, building it first when its sources changed.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/stack.sh <command>

  up                    start Kafka (127.0.0.1:19092), Redis 16379-16381, Sentinels 26379-26381 and the
                        topics; write .stack/local/stack.env (source it for QUONDAM_BOOTSTRAP_SERVERS, QUONDAM_REDIS_SENTINELS, ...)
  down                  stop every process in .stack/local/pids (SIGTERM, then SIGKILL)
  status                show each process, the current Redis master and whether Kafka answers
  kill-redis-master     kill -9 the Redis data node that Sentinel reports as master
  restart-redis <port>  start a killed Redis data node again, as a replica of the current master

environment:
  QUONDAM_STACK_DIR     stack directory (default: .stack/local in the repository root)
USAGE
}

case "${1:-}" in
  ""|-h|--help|help) usage; exit 0 ;;
esac

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "stack.sh: '$tool' not found on PATH (needs Java 17+ and Maven)" >&2; exit 1; }
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack_dir="${QUONDAM_STACK_DIR:-$root/.stack/local}"
mkdir -p "$stack_dir"
export QUONDAM_STACK_DIR="$(cd "$stack_dir" && pwd)"
classpath_file="$root/.stack/classpath.txt"
classes="$root/test-support/target/classes"

cd "$root"
# Rebuild when the classes or the cached classpath are missing or older than the sources and poms.
if [[ ! -f "$classes/io/quondam/stack/StackCli.class" || ! -f "$classpath_file" ]] \
   || [[ -n "$(find pom.xml test-support/pom.xml test-support/src/main -newer "$classpath_file" -print -quit)" ]]; then
  echo "stack.sh: building test-support ..." >&2
  # Only the parent and test-support: the other modules need not compile for the stack to run.
  mvn -B -q -N install
  mvn -B -q -f test-support/pom.xml install -DskipTests
  mvn -B -q -f test-support/pom.xml dependency:build-classpath -Dmdep.outputFile="$classpath_file"
  touch "$classpath_file" # the plugin leaves an unchanged file untouched
fi

exec java -Xmx256m \
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -Dorg.slf4j.simpleLogger.showThreadName=false \
  -Dorg.slf4j.simpleLogger.showLogName=false \
  -cp "$classes:$(cat "$classpath_file")" io.quondam.stack.StackCli "$@"
