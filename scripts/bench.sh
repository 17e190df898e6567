#!/usr/bin/env bash
# Benchmarks on one fresh local stack (.stack/bench, free ports on 127.0.0.1): Redis memory per claimed key (INFO
# memory before and after BENCH_MEMORY_KEYS claims); processor throughput of a pass-through
# Kafka Streams app, the classic window-store dedup and Quondam's three durability modes on the same input; key-api
# claims/s against raw Jedis SET NX PX; and the stall after a kill -9 of the Redis master holding BENCH_FAILOVER_KEYS
# keys (its old self comes back empty and resyncs them); then the key store on Redis Clusters of 1, 2 and 3 shards
# (claims/s, Redis CPU per claim, the busiest shard's share). Prints a table and writes
# load/target/bench/results.json and results.html (a bar chart). Stops everything it started.
#
# usage: [BENCH_RECORDS=N ...] scripts/bench.sh
#
# Settings (environment): BENCH_RECORDS (1000000), BENCH_STREAM_THREADS (2), BENCH_API_CONCURRENCY (64,8),
# BENCH_API_DURATION (20s), BENCH_VARIANTS (all, in this order: passThrough,windowStore,perCommit,perRecord,none),
# BENCH_OUTPUT (load/target/bench), BENCH_PROCESSOR_SETTINGS (QUONDAM_*=value,... for the Quondam variants),
# BENCH_PARTS (memory,processor,keyApi,failover,cluster: which parts run), BENCH_MEMORY_KEYS (1000000),
# BENCH_CLUSTER_CLAIMS (300000: per Redis Cluster of 1, 2 and 3 shards),
# BENCH_FAILOVER_KEYS (2000000), BENCH_RESULTS_DIR
# (docs/results: where the dated table with the command, machine and commit goes; empty for none).
# Needs only Java 17 and Maven; with the defaults a run takes about 15 minutes on 2 cores.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

handle_help "$@"
run_main load 3g io.quondam.load.bench.BenchCli
