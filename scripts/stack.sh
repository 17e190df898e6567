#!/usr/bin/env bash
# The local stack on 127.0.0.1 without Docker: one KRaft broker, Redis master + 2 replicas + 3 Sentinels.
# Runs io.quondam.stack.StackCli from the test-support module, building it first when its sources changed.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/stack.sh <command>

  up                    start Kafka (127.0.0.1:19092), Redis 16379-16381, Sentinels 26379-26381, the topics,
                        PostgreSQL (15432) and key-api (127.0.0.1:$KEY_API_PORT, default 8080); write
                        .stack/local/stack.env (source it for QUONDAM_BOOTSTRAP_SERVERS, QUONDAM_REDIS_SENTINELS, ...)
  down                  stop every process in .stack/local/pids (SIGTERM, then SIGKILL)
  status                show each process, the current Redis master and whether Kafka answers
  kill-redis-master     kill -9 the Redis data node that Sentinel reports as master
  restart-redis <port>  start a killed Redis data node again, as a replica of the current master

environment:
  QUONDAM_STACK_DIR     stack directory (default: .stack/local in the repository root)
  KEY_API_PORT          key-api's port on 127.0.0.1 (default 8080)
  QUONDAM_TOKENS        key-api tenants as tenant=token,tenant=token; when unset, key-api reads .stack/tokens,
                        created on the first `up` with a random token for the tenant `demo`
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

if [[ "${1:-}" == "up" ]]; then
  # key-api runs from its shaded jar; rebuild it when it is missing or older than its sources.
  key_api_jar="$(ls "$root"/key-api/target/key-api-*-all.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$key_api_jar" ]] || [[ -n "$(find pom.xml key-api/pom.xml key-api/src/main key-store/pom.xml key-store/src/main \
      -newer "$key_api_jar" -print -quit)" ]]; then
    echo "stack.sh: building key-api ..." >&2
    mvn -B -q -pl key-api -am package -Dmaven.test.skip=true
    key_api_jar="$(ls "$root"/key-api/target/key-api-*-all.jar | head -n 1)"
  fi
  export QUONDAM_KEY_API_JAR="$key_api_jar"
  export QUONDAM_STACK_TOKENS_FILE="${QUONDAM_STACK_TOKENS_FILE:-$root/.stack/tokens}"
fi

exec java -Xmx256m \
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -Dorg.slf4j.simpleLogger.showThreadName=false \
  -Dorg.slf4j.simpleLogger.showLogName=false \
  -cp "$classes:$(cat "$classpath_file")" io.quondam.stack.StackCli "$@"
