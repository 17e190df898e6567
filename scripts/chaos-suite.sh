#!/usr/bin/env bash
# The fault matrix: each scenario starts a fresh local stack on 127.0.0.1 under .stack/chaos/<scenario> (Kafka, Redis
# master + 2 replicas + 3 Sentinels, PostgreSQL, payments-consumer, dedup-processor), streams duplicated payments
# through it while the fault strikes, lets it drain and counts the ledger exactly. Prints one row per scenario
# (records, leaked, lost, dead-lettered, longest stall) and a JSON summary as its last line. Exits 1 when any scenario
# leaked, lost or could not be verified. Bounded: every scenario ends by itself; stops everything it started.
#
# usage: [CHAOS_SCALE=F] [CHAOS_SCENARIOS=a,b] scripts/chaos-suite.sh
#
# Scenarios: redis-master-kill, processor-kill, broker-restart, redis-unreachable, redis-slow, sentinels-down,
# double-failover, restart-empty-then-kill, replica-away, stale-replica, master-partitioned, postgres-restart, and
# cluster-master-kill on a Redis Cluster of 3 shards instead of Sentinel's nodes (about 35 minutes at CHAOS_SCALE=1
# on 2 cores, stack start-ups included; about 12 minutes at 0.1).
# Settings (environment): CHAOS_SCALE (1.0; 0.05-10, multiplies every scenario's length and fault durations),
# CHAOS_SCENARIOS (all, or a comma-separated list), CHAOS_RATE (1000 payments/s), CHAOS_RESULTS_DIR (docs/results:
# where the dated table with the command, machine and commit goes; empty for none). Needs only Java 17 and Maven.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

handle_help "$@"
run_main load 1g io.quondam.load.ChaosSuiteCli
