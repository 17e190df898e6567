#!/usr/bin/env bash
# The local stack on 127.0.0.1 without Docker: one KRaft broker, Redis master + 2 replicas + 3 Sentinels (or a Redis
# Cluster). Runs io.quondam.stack.StackCli from the test-support module, building it first when its sources changed.
#
# usage: scripts/stack.sh <command>
#
#   up                    start Kafka (127.0.0.1:19092), Redis 16379-16381, Sentinels 26379-26381, the topics,
#                         PostgreSQL (15432) and key-api (127.0.0.1:$KEY_API_PORT, default 8080); write
#                         .stack/local/stack.env (source it for QUONDAM_BOOTSTRAP_SERVERS, QUONDAM_REDIS_SENTINELS, ...)
#   up --redis cluster    the same with a Redis Cluster instead of Sentinel's nodes: 3 masters on 16379-16381, their
#                         replicas on 16382-16384 (cluster bus: port + 10000); stack.env then sets
#                         QUONDAM_REDIS_MODE=cluster and QUONDAM_REDIS_NODES
#   down                  stop every process in .stack/local/pids (SIGTERM, then SIGKILL)
#   status                show each process, the Redis master (on a cluster: each shard's) and whether Kafka answers
#   kill-redis-master     kill -9 the Redis data node that Sentinel reports as master (on a cluster: slot 0's master)
#   restart-redis <port>  start a killed Redis data node again, as a replica of the node that replaced it
#
# environment:
#   QUONDAM_STACK_DIR     stack directory (default: .stack/local in the repository root)
#   KEY_API_PORT          key-api's port on 127.0.0.1 (default 8080)
#   QUONDAM_TOKENS        key-api tenants as tenant=token,tenant=token; when unset, key-api reads .stack/tokens,
#                         created on the first `up` with a random token for the tenant `demo`
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  ""|-h|--help|help) print_help; exit 0 ;;
esac

require_tools java mvn

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack_dir="${QUONDAM_STACK_DIR:-$root/.stack/local}"
mkdir -p "$stack_dir"
export QUONDAM_STACK_DIR="$(cd "$stack_dir" && pwd)"

cd "$root"
module_classpath test-support

if [[ "${1:-}" == "up" ]]; then
  # key-api runs from its shaded jar.
  module_jar key-api
  export QUONDAM_KEY_API_JAR="$MODULE_JAR"
  export QUONDAM_STACK_TOKENS_FILE="${QUONDAM_STACK_TOKENS_FILE:-$root/.stack/tokens}"
fi

exec java -Xmx256m \
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error \
  -Dorg.slf4j.simpleLogger.showThreadName=false \
  -Dorg.slf4j.simpleLogger.showLogName=false \
  -cp "$MODULE_CLASSPATH" io.quondam.stack.StackCli "$@"
