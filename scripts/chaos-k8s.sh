#!/usr/bin/env bash
# Deletes the current Redis master pod (as the Sentinels report it) every N seconds for a number of rounds, and
# reports how long the Sentinels took to promote another one. The pod comes back as a replica of the new master.
#
# usage: scripts/chaos-k8s.sh [--interval SECONDS] [--rounds N] [--force]
#
#   --interval S   seconds between two deletions (default 60)
#   --rounds N     how many masters to delete (default 5)
#   --force        delete with --grace-period=0 --force (like kill -9) instead of a graceful stop
#
# Watch it with: kubectl -n quondam get pods -w   and   kubectl -n quondam logs -f deployment/dedup-processor
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

interval=60
rounds=5
force=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) print_help; exit 0 ;;
    --interval) interval="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --force) force=(--grace-period=0 --force) ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

require_tools kubectl
namespace=quondam

current_master() {
  local i answer
  for i in 0 1 2; do
    answer="$(kubectl -n "$namespace" exec "sentinel-$i" -c sentinel -- \
      redis-cli -p 26379 --raw SENTINEL get-master-addr-by-name quondam 2>/dev/null | head -n 1 || true)"
    if [[ -n "$answer" ]]; then
      echo "${answer%%.*}"
      return 0
    fi
  done
  return 1
}

for ((round = 1; round <= rounds; round++)); do
  master="$(current_master)" || { echo "chaos-k8s.sh: no Sentinel answers" >&2; exit 1; }
  echo "$(date +%T) round $round/$rounds: deleting master pod $master"
  kubectl -n "$namespace" delete pod "$master" "${force[@]}" --wait=false
  started=$SECONDS
  deadline=$((SECONDS + 120))
  until new="$(current_master)" && [[ "$new" != "$master" ]]; do
    if ((SECONDS > deadline)); then
      echo "chaos-k8s.sh: no new master 120 s after deleting $master" >&2
      exit 1
    fi
    sleep 1
  done
  echo "$(date +%T) $new is master after $((SECONDS - started)) s"
  if ((round < rounds)); then
    sleep "$interval"
  fi
done
