#!/usr/bin/env bash
# Load with chaos, then the verifier. local (default): starts a fresh stack on 127.0.0.1 under .stack/load (Kafka,
# Redis master + 2 replicas + 3 Sentinels, PostgreSQL, payments-consumer, dedup-processor, key-api), runs Gatling's
# DuplicatedPaymentsSimulation and then KeyApiSimulation while scripts/chaos.sh kills the Redis master (and a
# processor) every --chaos-every seconds, lets the pipeline drain, verifies the ledger, prints both Gatling report
# paths and the verifier's JSON as the last line. Exits non-zero when an assertion failed or a payment leaked or got
# lost. Stops everything it started, also on Ctrl-C.
#
# usage: scripts/load.sh [local|k8s] [--duration S] [--rate R] [--chaos-every S] [--api-rate R]
#                        [--duplicate-percent P] [--duplicate-shapes immediate=1,delayed=1,other-key=1]
#                        [--p99-ms MS] [--no-processor-kills]
#   --duration S      seconds of load per simulation (default 60)
#   --rate R          payments per second into the input topic (default 200)
#   --chaos-every S   seconds between Redis master kills, 0 for none (default 30)
#   --api-rate R      key-api flows per second, for each of the legacy and the /v1 flow (default 20)
# k8s: run through scripts/load-k8s.sh, which port-forwards the services and sets QUONDAM_KEY_API_URL,
# QUONDAM_LEDGER_URL, QUONDAM_API_TOKEN and QUONDAM_K8S_NAMESPACE; runs KeyApiSimulation against the key-api while
# chaos.sh k8s deletes the Redis master pod (and a processor pod), then checks the ledger summary for leaked duplicates.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

mode=local duration=60 chaos_every=30 processor_kills=true
cli_args=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    local|k8s) mode=$1 ;;
    --duration) duration=${2:?}; cli_args+=("$1" "$2"); shift ;;
    --chaos-every) chaos_every=${2:?}; shift ;;
    --no-processor-kills) processor_kills=false ;;
    --rate|--api-rate|--duplicate-percent|--duplicate-shapes|--p99-ms) cli_args+=("$1" "${2:?}"); shift ;;
    -h|--help) print_help; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ "$duration" =~ ^[0-9]+$ && "$chaos_every" =~ ^[0-9]+$ ]] || die "--duration and --chaos-every take whole seconds"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "$mode" == k8s ]]; then
  [[ -n "${QUONDAM_KEY_API_URL:-}" && -n "${QUONDAM_API_TOKEN:-}" ]] \
    || die "k8s mode needs QUONDAM_KEY_API_URL and QUONDAM_API_TOKEN: run it through scripts/load-k8s.sh"
  require_tools kubectl
fi
require_tools java mvn
stack_dir="$root/.stack/load"
module_classpath load

load_pid="" chaos_pid=""
cleanup() {
  # Only what this script started, by pid: LoadCli kills its own stack on SIGTERM.
  [[ -n "$chaos_pid" ]] && kill "$chaos_pid" 2>/dev/null || true
  [[ -n "$load_pid" ]] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

java_cmd=(java -Xmx768m --add-opens=java.base/java.lang=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -cp "$MODULE_CLASSPATH" io.quondam.load.LoadCli)

if [[ "$mode" == k8s ]]; then
  if (( chaos_every > 0 )); then
    chaos_flags=(k8s --every "$chaos_every" --duration $((duration + 10)))
    [[ "$processor_kills" == true ]] && chaos_flags+=(--kill-processor)
    scripts/chaos.sh "${chaos_flags[@]}" &
    chaos_pid=$!
  fi
  status=0
  "${java_cmd[@]}" --key-api-url "$QUONDAM_KEY_API_URL" --api-token "$QUONDAM_API_TOKEN" \
    --ledger-url "${QUONDAM_LEDGER_URL:-}" "${cli_args[@]}" || status=$?
  exit "$status"
fi

rm -f "$stack_dir/ready"
"${java_cmd[@]}" --dir "$stack_dir" "${cli_args[@]}" &
load_pid=$!

# The stack takes a minute at most to come up; chaos starts once LoadCli says the services are ready.
for _ in $(seq 1 180); do
  [[ -f "$stack_dir/ready" ]] && break
  kill -0 "$load_pid" 2>/dev/null || break
  sleep 1
done
if [[ -f "$stack_dir/ready" && "$chaos_every" -gt 0 ]]; then
  # Both simulations, one after the other, plus their start-up.
  chaos_flags=(local --stack-dir "$stack_dir" --every "$chaos_every" --duration $((2 * duration + 20)))
  [[ "$processor_kills" == true ]] && chaos_flags+=(--kill-processor)
  scripts/chaos.sh "${chaos_flags[@]}" &
  chaos_pid=$!
fi

status=0
wait "$load_pid" || status=$?
load_pid=""
exit "$status"
