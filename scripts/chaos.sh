#!/usr/bin/env bash
# Chaos for load runs: every N seconds kill -9 the current Redis master (found through Sentinel), and optionally a
# dedup-processor, until a duration or a kill count is reached. Local mode acts only on processes of one local stack
# directory on 127.0.0.1 (pid files and stack env written by scripts/load.sh or scripts/stack.sh); k8s mode deletes the
# master's pod (and a processor pod) with kubectl instead.
#
# usage: scripts/chaos.sh [local|k8s] [--every S] [--duration S] [--count N] [--kill-processor]
#                         [--stack-dir DIR] [--namespace NS]
# (scripts/chaos-k8s.sh is the cluster-only variant that also times each failover.)
#   --every S          seconds between kills (default 30)
#   --duration S       stop after S seconds (default 300)
#   --count N          stop after N Redis master kills (default: no limit but the duration)
#   --kill-processor   also kill -9 one dedup-processor at each round
#   --stack-dir DIR    local stack directory (default .stack/load; scripts/stack.sh uses .stack/local)
#   --namespace NS     Kubernetes namespace (default quondam)
# Needs no redis-cli: Sentinel is asked over bash's /dev/tcp. Prints one line per kill and a summary.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

mode=local every=30 duration=300 count=0 kill_processor=false namespace=${QUONDAM_K8S_NAMESPACE:-quondam}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stack_dir="$root/.stack/load"


while [[ $# -gt 0 ]]; do
  case "$1" in
    local|k8s) mode=$1 ;;
    --every) every=${2:?}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --count) count=${2:?}; shift ;;
    --kill-processor) kill_processor=true ;;
    --stack-dir) stack_dir=${2:?}; shift ;;
    --namespace) namespace=${2:?}; shift ;;
    -h|--help) print_help; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
for number in "$every" "$duration" "$count"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "'$number' is not a whole number"
done
(( every >= 1 )) || die "--every must be at least 1 second"

log() { printf '%s chaos: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# ---- local: Sentinel over /dev/tcp, processes by pid file ----

# One RESP request to host:port, printing the bulk strings of the reply one per line.
resp() {
  local host=$1 port=$2 password=$3; shift 3
  local fd request="" word
  exec {fd}<>"/dev/tcp/$host/$port" || return 1
  if [[ -n "$password" ]]; then
    printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "${#password}" "$password" >&"$fd"
    IFS= read -r -t 2 word <&"$fd" || { exec {fd}>&-; return 1; }
  fi
  request="*$#\r\n"
  for word in "$@"; do request+="\$${#word}\r\n$word\r\n"; done
  printf "$request" >&"$fd"
  local line
  IFS= read -r -t 2 line <&"$fd" || { exec {fd}>&-; return 1; }
  if [[ "$line" == \*2* ]]; then
    for _ in 1 2; do
      IFS= read -r -t 2 line <&"$fd" && IFS= read -r -t 2 line <&"$fd" && printf '%s\n' "${line%$'\r'}"
    done
  fi
  exec {fd}>&-
}

current_master() {
  local sentinel host port answer
  for sentinel in ${QUONDAM_REDIS_SENTINELS//,/ }; do
    host=${sentinel%:*} port=${sentinel##*:}
    answer=$(resp "$host" "$port" "${QUONDAM_SENTINEL_PASSWORD:-}" SENTINEL get-master-addr-by-name \
      "${QUONDAM_REDIS_MASTER_NAME:-quondam}" 2>/dev/null | paste -sd: -) || continue
    [[ -n "$answer" ]] && { echo "$answer"; return 0; }
  done
  return 1
}

# The live pid in a pid file of this stack, if its command line contains the given text.
live_pid() {
  local file=$1 expect=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$expect" || return 1
  echo "$pid"
}

kill_local_master() {
  local master port pid
  master=$(current_master) || { log "no Sentinel answered; skipping this round"; return 1; }
  case "${master%:*}" in
    127.*|localhost|::1) ;;
    *) die "Sentinel reports master $master, which is not on loopback: refusing to touch it" ;;
  esac
  port=${master##*:}
  pid=$(live_pid "$stack_dir/pids/redis-$port.pid" "redis-server") \
    || { log "master $master has no live redis-server pid in $stack_dir/pids (failover still running?)"; return 1; }
  kill -9 "$pid"
  log "killed Redis master $master (pid $pid)"
}

kill_local_processor() {
  local file pid
  for file in "$stack_dir"/pids/dedup-processor-*.pid; do
    # The processor runs from its shaded jar (java -jar .../dedup-processor-*-all.jar), as its image does.
    if pid=$(live_pid "$file" "dedup-processor-"); then
      kill -9 "$pid"
      log "killed $(basename "$file" .pid) (pid $pid)"
      return 0
    fi
  done
  log "no live dedup-processor in $stack_dir/pids"
  return 1
}

# ---- k8s: the same through kubectl ----

k8s() { kubectl --namespace "$namespace" "$@"; }

# As scripts/chaos-k8s.sh: Sentinels run as pods sentinel-0..2 and report the master by its pod's host name.
kill_k8s_master() {
  local i answer="" pod
  for i in 0 1 2; do
    answer=$(k8s exec "sentinel-$i" -c sentinel -- redis-cli -p 26379 --raw \
      SENTINEL get-master-addr-by-name quondam 2>/dev/null | head -n 1 || true)
    [[ -n "$answer" ]] && break
  done
  [[ -n "$answer" ]] || { log "no Sentinel pod answered; skipping this round"; return 1; }
  pod=${answer%%.*}
  k8s delete pod "$pod" --grace-period=0 --force --wait=false >/dev/null
  log "deleted Redis master pod $pod"
}

kill_k8s_processor() {
  local pod
  pod=$(k8s get pods -l app.kubernetes.io/name=dedup-processor -o jsonpath='{.items[0].metadata.name}')
  [[ -n "$pod" ]] || { log "no dedup-processor pod"; return 1; }
  k8s delete pod "$pod" --grace-period=0 --force --wait=false >/dev/null
  log "deleted dedup-processor pod $pod"
}

if [[ "$mode" == local ]]; then
  env_file="$stack_dir/load.env"
  [[ -f "$env_file" ]] || env_file="$stack_dir/stack.env"
  [[ -f "$env_file" ]] || die "no load.env or stack.env in $stack_dir: is a stack running there?"
  set -a; . "$env_file"; set +a
  kill_master=kill_local_master kill_processor_fn=kill_local_processor
else
  require_tools kubectl
  kill_master=kill_k8s_master kill_processor_fn=kill_k8s_processor
fi

limit=""; (( count > 0 )) && limit=" (at most $count master kills)"
log "$mode: every ${every}s for ${duration}s$limit, processor kills: $kill_processor"
end=$((SECONDS + duration)) masters=0 processors=0
while (( SECONDS + every <= end )) && (( count == 0 || masters < count )); do
  sleep "$every"
  if "$kill_master"; then masters=$((masters + 1)); fi
  if [[ "$kill_processor" == true ]] && "$kill_processor_fn"; then processors=$((processors + 1)); fi
done
log "done: $masters Redis master kills, $processors processor kills"
