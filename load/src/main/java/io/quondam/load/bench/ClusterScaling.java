package io.quondam.load.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.dedup.ClaimOwner;
import io.quondam.stack.LocalRedisCluster;
import io.quondam.stack.StackOptions;
import io.quondam.store.ClaimRequest;
import io.quondam.store.KeyStore;
import io.quondam.store.RedisClusterKeyStore;
import io.quondam.store.RedisSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The key store against Redis Clusters of 1, 2 and 3 shards (a master and a replica each), one after the other on the
 * same machine: claims a second, Redis CPU per claim (every node, from the operating system) and the busiest master's
 * share of the new claims ({@code INFO commandstats}). Each round claims new keys as the processor does: batches
 * of 500, then WAIT, from {@value #CLIENTS} sessions at once. On shared cores absolute claims a second cannot show
 * scale-out; even shares and a flat CPU per claim show that sharding adds no per-claim work.
 */
final class ClusterScaling {
    static final int CLIENTS = 4;
    private static final int BATCH = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One cluster size's row. */
    record Row(int shards, long claims, double claimsPerSec, double redisMicrosPerClaim, double busiestShare) {
        /** The busiest master's share divided by an even share (1/shards): 1.0 is perfectly even. */
        double busiestOverEven() {
            return busiestShare * shards;
        }
    }

    private final Path dir;
    private final PrintStream out;

    ClusterScaling(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    List<Row> run(int claimsPerRound, List<Integer> shardCounts) throws Exception {
        var rows = new ArrayList<Row>();
        for (int shards : shardCounts) {
            try (var cluster = LocalRedisCluster.start(dir.resolve("cluster-" + shards), shards,
                    "bench-cluster-secret")) {
                claim(cluster, shards, 50_000, "warm-up"); // the JIT and the connections, not measured
                rows.add(measure(cluster, shards, claimsPerRound));
            }
        }
        return rows;
    }

    private Row measure(LocalRedisCluster cluster, int shards, int claims) throws Exception {
        long redisBefore = redisCpuNanos(cluster);
        var setsBefore = setCalls(cluster);
        long start = System.nanoTime();
        claim(cluster, shards, claims, "measured");
        double seconds = (System.nanoTime() - start) / 1e9;
        long redisNanos = redisCpuNanos(cluster) - redisBefore;
        var setsAfter = setCalls(cluster);
        long total = 0;
        long busiest = 0;
        for (var master : setsAfter.entrySet()) {
            long sets = master.getValue() - setsBefore.getOrDefault(master.getKey(), 0L);
            total += sets;
            busiest = Math.max(busiest, sets);
        }
        var row = new Row(shards, claims, claims / seconds, redisNanos / 1_000.0 / claims,
                total == 0 ? Double.NaN : busiest / (double) total);
        out.printf(Locale.ROOT, "  %d shard(s): %,.0f claims/s, Redis %.1f µs/claim, busiest master %.1f%% of the"
                + " claims (%.2f of an even share)%n", shards, row.claimsPerSec(), row.redisMicrosPerClaim(),
                100 * row.busiestShare(), row.busiestOverEven());
        return row;
    }

    /** {@code claims} new keys from {@link #CLIENTS} sessions at once, each batch confirmed by WAIT. */
    private void claim(LocalRedisCluster cluster, int shards, int claims, String round) throws Exception {
        var settings = RedisSettings.cluster(cluster.seeds(), "")
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            var done = new ArrayList<Future<?>>();
            for (int client = 0; client < CLIENTS; client++) {
                int first = client * (claims / CLIENTS);
                int count = claims / CLIENTS;
                done.add(clients.submit(() -> {
                    try (KeyStore store = new RedisClusterKeyStore(settings, new SimpleMeterRegistry(),
                            "bench-cluster")) {
                        for (int from = first; from < first + count; from += BATCH) {
                            var batch = new ArrayList<ClaimRequest>(BATCH);
                            for (int n = from; n < Math.min(first + count, from + BATCH); n++) {
                                batch.add(new ClaimRequest("payments", round + "-" + ClaimMemory.idempotencyKey(n),
                                        ClaimOwner.of("payments", n % 6, n), Duration.ofHours(1)));
                            }
                            store.claimAll(batch);
                            store.awaitReplication(KeyStore.DEFAULT_MIN_REPLICAS, Duration.ofSeconds(5));
                        }
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static long redisCpuNanos(LocalRedisCluster cluster) {
        long nanos = 0;
        for (int port : cluster.allPorts()) {
            nanos += ProcessHandle.of(cluster.node(port).process().pid()).map(CpuAccount::cpuNanos).orElse(0L);
        }
        return nanos;
    }

    /** {@code SET} calls so far on each master, by port. */
    private static Map<Integer, Long> setCalls(LocalRedisCluster cluster) {
        var calls = new HashMap<Integer, Long>();
        for (int port : cluster.masterPorts()) {
            try (var jedis = cluster.node(port).endpoint().connect(TIMEOUT)) {
                var costs = RedisCommandCost.parse("master", jedis.info("commandstats"));
                var set = costs.get("master set");
                calls.put(port, set == null ? 0 : set.calls());
            }
        }
        return calls;
    }

    static String table(List<Row> rows) {
        var text = new StringBuilder(String.format(Locale.ROOT, "key store on a Redis Cluster, %d sessions, batches"
                + " of %d new claims then WAIT, each shard a master and a replica%n", CLIENTS, BATCH));
        text.append("| shards |   claims/s | Redis µs/claim | ÷ 1 shard | busiest master | ÷ even share |\n");
        text.append("|--------|------------|----------------|-----------|----------------|--------------|\n");
        double base = rows.isEmpty() ? Double.NaN : rows.get(0).redisMicrosPerClaim();
        for (var row : rows) {
            text.append(String.format(Locale.ROOT, "| %6d | %,10.0f | %14.1f | %9.2f | %13.1f%% | %12.2f |%n",
                    row.shards(), row.claimsPerSec(), row.redisMicrosPerClaim(), row.redisMicrosPerClaim() / base,
                    100 * row.busiestShare(), row.busiestOverEven()));
        }
        return text.toString();
    }
}
