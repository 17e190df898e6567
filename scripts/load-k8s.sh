#!/usr/bin/env bash
# Runs the load simulations against the cluster: port-forwards the key-api (8080) and the payments-consumer
# (8082) to 127.0.0.1 and runs scripts/load.sh k8s with their addresses; the forwards end with this script.
#
# usage: scripts/load-k8s.sh [arguments for scripts/load.sh]
#
# environment passed to scripts/load.sh:
#   QUONDAM_KEY_API_URL   http://127.0.0.1:18080 (the key-api through port-forward)
#   QUONDAM_LEDGER_URL    http://127.0.0.1:18082 (GET /payments/summary of the payments-consumer)
#   QUONDAM_API_TOKEN     the bearer token of tenant "demo" from the minikube Secret
#   QUONDAM_K8S_NAMESPACE quondam
#
# Needs kubectl and curl on PATH and a deployment made by scripts/deploy.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  -h|--help) print_help; exit 0 ;;
esac

require_tools kubectl curl
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -x "$root/scripts/load.sh" ]]; then
  echo "load-k8s.sh: scripts/load.sh is missing or not executable" >&2
  exit 1
fi
namespace=quondam

forwards=()
cleanup() {
  local pid
  for pid in "${forwards[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

forward() {
  local target="$1" ports="$2"
  kubectl -n "$namespace" port-forward "$target" "$ports" >/dev/null &
  forwards+=($!)
}
forward service/key-api 18080:8080
forward service/payments-consumer 18082:8082

wait_for() {
  local url="$1" deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "$url"; do
    if ((SECONDS > deadline)); then
      echo "load-k8s.sh: $url does not answer through port-forward" >&2
      exit 1
    fi
    sleep 1
  done
}
wait_for http://127.0.0.1:18080/health/live
wait_for http://127.0.0.1:18082/health/live

token="$(kubectl -n "$namespace" get secret quondam-secrets -o jsonpath='{.data.api-tokens}' | base64 -d \
  | tr ',' '\n' | sed -n 's/^demo=//p' | head -n 1)"
export QUONDAM_KEY_API_URL=http://127.0.0.1:18080
export QUONDAM_LEDGER_URL=http://127.0.0.1:18082
export QUONDAM_API_TOKEN="$token"
export QUONDAM_K8S_NAMESPACE="$namespace"
"$root/scripts/load.sh" k8s "$@"
