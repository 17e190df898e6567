#!/usr/bin/env bash
# Builds the runnable jars with Maven and the container images quondam/<service>:<tag> from each module's
# Dockerfile, into minikube's Docker daemon (default) or the local one (--docker, for the -Pcontainers tests).
#
# usage: scripts/build-images.sh [--docker] [--skip-maven]
#
#   --docker      build into the local Docker daemon instead of minikube's
#   --skip-maven  reuse the jars already in */target
#
# environment:
#   QUONDAM_IMAGE_TAG   image tag (default: local, the tag k8s/ deploys)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

target=minikube
skip_maven=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) print_help; exit 0 ;;
    --docker) target=docker ;;
    --skip-maven) skip_maven=true ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done

needed=(docker)
[[ "$skip_maven" == false ]] && needed+=(java mvn)
[[ "$target" == minikube ]] && needed+=(minikube)
require_tools "${needed[@]}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${QUONDAM_IMAGE_TAG:-local}"
services=(dedup-processor key-api payments-consumer redis-guard)

if [[ "$target" == minikube ]]; then
  # Point docker at the daemon inside minikube: the pods find the images there without a registry.
  eval "$(minikube docker-env)"
fi

cd "$root"
if [[ "$skip_maven" == false ]]; then
  mvn -B -q -DskipTests -pl "$(IFS=,; echo "${services[*]}")" -am package
fi
for service in "${services[@]}"; do
  if ! compgen -G "$service/target/$service-*-all.jar" >/dev/null; then
    echo "build-images.sh: no $service/target/$service-*-all.jar; run without --skip-maven" >&2
    exit 1
  fi
  echo "building quondam/${service}:${tag} (${target})"
  docker build -q -t "quondam/${service}:${tag}" "$service"
done
