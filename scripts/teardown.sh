#!/usr/bin/env bash
# Removes what scripts/minikube-up.sh and scripts/deploy.sh created: the services, Redis, PostgreSQL, Kafka and the
# Strimzi operator in namespace quondam. With --minikube it deletes the whole minikube VM instead.
#
# usage: scripts/teardown.sh [--minikube]
#
#   --minikube   run "minikube delete" (everything, including images and volumes)
#
# Needs kubectl on PATH (and minikube for --minikube).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

delete_vm=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) print_help; exit 0 ;;
    --minikube) delete_vm=true ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

if [[ "$delete_vm" == true ]]; then
  require_tools minikube
  minikube delete
  exit 0
fi
require_tools kubectl
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
namespace=quondam

kubectl delete -k "$root/k8s/overlays/minikube" --ignore-not-found --wait=false
if kubectl get crd kafkas.kafka.strimzi.io >/dev/null 2>&1; then
  # Kafka first, while the operator still runs to clean up after it.
  kubectl delete -k "$root/strimzi/minikube" --ignore-not-found --wait=true --timeout=300s
fi
# Volumes of the StatefulSets are kept by Kubernetes; they go with the namespace.
kubectl delete namespace "$namespace" --ignore-not-found --wait=true --timeout=300s
# The operator's cluster-wide parts (CRDs, ClusterRoles) are left for other namespaces that may use them:
echo "left in the cluster: Strimzi CRDs and ClusterRoles (kubectl get crd -o name | grep strimzi)"
