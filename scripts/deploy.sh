#!/usr/bin/env bash
# Applies the Kafka cluster and topics (strimzi/minikube), waits until Strimzi reports them ready, then applies
# Redis, Sentinel, PostgreSQL and the services (k8s/overlays/minikube) and waits for every rollout. With an overlay
# that deploys a Redis Cluster instead (--overlay k8s/overlays/redis-cluster), it waits for the Job that forms the
# cluster and then for the cluster's StatefulSet.
#
# usage: scripts/deploy.sh [--kafka DIR] [--overlay DIR] [--timeout SECONDS]
#
#   --kafka DIR      Strimzi kustomization to apply (default strimzi/minikube)
#   --overlay DIR    kustomization of everything else (default k8s/overlays/minikube)
#   --timeout S      how long to wait for each part to become ready (default 600)
#
# Needs kubectl on PATH, a cluster in the current context and the Strimzi operator (scripts/minikube-up.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kafka_dir="$root/strimzi/minikube"
overlay="$root/k8s/overlays/minikube"
timeout=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) print_help; exit 0 ;;
    --kafka) kafka_dir="$2"; shift ;;
    --overlay) overlay="$2"; shift ;;
    --timeout) timeout="$2"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

require_tools kubectl
namespace=quondam
if ! kubectl get crd kafkas.kafka.strimzi.io >/dev/null 2>&1; then
  echo "deploy.sh: the Strimzi CRDs are not installed; run scripts/minikube-up.sh first" >&2
  exit 1
fi

kubectl apply -k "$kafka_dir"
echo "waiting for Kafka (up to ${timeout}s)"
kubectl -n "$namespace" wait kafka/quondam --for=condition=Ready --timeout="${timeout}s"
kubectl -n "$namespace" wait kafkatopic --all --for=condition=Ready --timeout="${timeout}s"

kubectl apply -k "$overlay"
if kubectl -n "$namespace" get statefulset/redis-cluster >/dev/null 2>&1; then
  # Its pods are ready only once the Job has formed the cluster.
  kubectl -n "$namespace" wait job/redis-cluster-create --for=condition=complete --timeout="${timeout}s"
  redis_workloads=(statefulset/redis-cluster)
else
  redis_workloads=(statefulset/redis statefulset/sentinel)
fi
for workload in "${redis_workloads[@]}" statefulset/postgres \
                deployment/dedup-processor deployment/key-api deployment/payments-consumer; do
  kubectl -n "$namespace" rollout status "$workload" --timeout="${timeout}s"
done
echo "deployed; try: kubectl -n $namespace get pods"
