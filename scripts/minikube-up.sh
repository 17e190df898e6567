#!/usr/bin/env bash
# Starts minikube, installs the pinned Strimzi operator into namespace quondam, builds the images into minikube's
# Docker and deploys everything (scripts/build-images.sh, then scripts/deploy.sh), waiting until it is ready.
#
# usage: scripts/minikube-up.sh [--skip-build] [--cpus N] [--memory SIZE]
#
#   --skip-build   do not rebuild the images (they are already in minikube's Docker)
#   --cpus N       CPUs for a new minikube VM (default 4)
#   --memory SIZE  memory for a new minikube VM (default 8g)
#
# Needs minikube, kubectl, curl, docker, java 17 and mvn on PATH. An existing, running minikube is reused.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

skip_build=false
cpus=4
memory=8g
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) print_help; exit 0 ;;
    --skip-build) skip_build=true ;;
    --cpus) cpus="$2"; shift ;;
    --memory) memory="$2"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

require_tools minikube kubectl curl

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../strimzi/operator.env
source "$root/strimzi/operator.env"
namespace=quondam

if minikube status --format '{{.Host}}' 2>/dev/null | grep -q Running; then
  echo "minikube is running; reusing it"
else
  minikube start --cpus "$cpus" --memory "$memory"
fi

kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -

# The release file binds the operator's service account in namespace "myproject"; Strimzi's docs rewrite it the
# same way. Server-side apply: the CRDs are too large for the last-applied annotation of a client-side apply.
url="https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-cluster-operator-${STRIMZI_VERSION}.yaml"
echo "installing Strimzi ${STRIMZI_VERSION} into namespace ${namespace}"
curl -fsSL "$url" | sed -E "s/namespace: myproject/namespace: ${namespace}/" \
  | kubectl apply --server-side --force-conflicts -n "$namespace" -f -
kubectl -n "$namespace" rollout status deployment/strimzi-cluster-operator --timeout=300s

if [[ "$skip_build" == false ]]; then
  "$root/scripts/build-images.sh"
fi
"$root/scripts/deploy.sh"
