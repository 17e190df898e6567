#!/usr/bin/env bash
# The main job: starts the local stack (KRaft broker, Redis master + 2 replicas + 3 Sentinels, PostgreSQL,
# dedup-processor, payments-consumer) on 127.0.0.1, pushes duplicated payments through the whole pipeline while
# killing the Redis master and the processor, verifies the ledger and prints the report; the last line is JSON.
# Exits non-zero when any payment leaked or was lost. Stops everything it started, also on Ctrl-C.
#
# usage: [DEMO_EVENTS=N ...] scripts/demo.sh
#
# Settings (environment): DEMO_EVENTS (100000), DEMO_DUPLICATE_PERCENT (30), DEMO_MALFORMED_PERCENT (1),
# DEMO_SEED (42), DEMO_RATE records/s produced (4000), DEMO_REDIS (sentinel; cluster runs the demo on a Redis Cluster
# of 3 masters and 3 replicas and kills one shard's master). Needs only Java 17 and Maven.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

handle_help "$@"
run_main load 512m io.quondam.load.DemoCli
