#!/usr/bin/env bash
# Runs every test of every module: unit, contract and topology tests (surefire) and the integration tests
# (failsafe) on a real local stack: a KRaft broker, Redis master + 2 replicas + 3 Sentinels, started on 127.0.0.1.
# Needs only Java 17 and Maven. Extra arguments go to Maven, e.g. scripts/test.sh -DskipITs
set -euo pipefail

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "scripts/test.sh: $tool is not on PATH (needs Java 17 and Maven)" >&2; exit 1; }
done
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
