#!/usr/bin/env bash
# Runs every test of every module: unit, contract and topology tests (surefire) and the integration tests
# (failsafe) on a real local stack: a KRaft broker, Redis master + 2 replicas + 3 Sentinels, started on 127.0.0.1.
# Needs only Java 17 and Maven. Extra arguments go to Maven, e.g. scripts/test.sh -DskipITs
#
# usage: scripts/test.sh [Maven arguments]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

handle_help "$@"
require_tools java mvn
cd "$quondam_root"
exec mvn -B verify "$@"
