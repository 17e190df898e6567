package io.quondam.load.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.dedup.ClaimOwner;
import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisNode;
import io.quondam.store.ClaimRequest;
import io.quondam.store.KeyStore;
import io.quondam.store.RedisKeyStore;
import io.quondam.store.RedisSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a claim costs Redis in memory: {@code used_memory} and {@code DBSIZE} of every data node before and after
 * {@code keys} new claims as the processor makes them (50-byte idempotency keys, its owners, its default TTL), through
 * the key store. Meant for a fresh stack, so that the delta includes the growth of Redis's hash tables to the new
 * keyspace.
 */
final class ClaimMemory {
    static final int KEY_BYTES = 50;
    private static final int BATCH = 1_000;
    private static final Duration TTL = Duration.ofHours(24);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Bytes per new key on the master and, averaged, on the replicas; the new keys the master counted. */
    record Result(long keys, long newKeys, double masterBytesPerKey, double replicaBytesPerKey) {
    }

    private final LocalStack stack;
    private final RedisSettings settings;
    private final PrintStream out;

    ClaimMemory(LocalStack stack, RedisSettings settings, PrintStream out) {
        this.stack = stack;
        this.settings = settings;
        this.out = out;
    }

    Result run(int keys) {
        var before = usage();
        String namespace = "payments";
        try (KeyStore store = new RedisKeyStore(settings, new SimpleMeterRegistry(), "bench-memory")) {
            var batch = new ArrayList<ClaimRequest>(BATCH);
            for (int i = 0; i < keys; i++) {
                batch.add(new ClaimRequest(namespace, idempotencyKey(i), ClaimOwner.of("payments", i % 6, i / 6),
                        TTL));
                if (batch.size() == BATCH || i == keys - 1) {
                    store.claimAll(batch);
                    batch.clear();
                }
            }
            store.awaitReplication(KeyStore.DEFAULT_MIN_REPLICAS, Duration.ofSeconds(60));
        }
        var after = usage();
        String master = stack.currentMasterAddress();
        double masterBytes = Double.NaN;
        double replicaBytes = 0;
        int replicas = 0;
        long newKeys = 0;
        for (var entry : after.entrySet()) {
            var start = before.get(entry.getKey());
            if (start == null) {
                continue;
            }
            double perKey = (entry.getValue().usedMemory() - start.usedMemory()) / (double) keys;
            if (master.endsWith(":" + entry.getKey())) {
                masterBytes = perKey;
                newKeys = entry.getValue().keys() - start.keys();
            } else {
                replicaBytes += perKey;
                replicas++;
            }
        }
        var result = new Result(keys, newKeys, masterBytes, replicas == 0 ? Double.NaN : replicaBytes / replicas);
        out.printf(Locale.ROOT, "claim memory: %,d claims, %,d new keys on the master, %.1f bytes per key there,"
                + " %.1f on a replica%n", keys, newKeys, result.masterBytesPerKey(), result.replicaBytesPerKey());
        return result;
    }

    /** A key of {@link #KEY_BYTES} bytes, unique per {@code n}, shaped like a payment id. */
    static String idempotencyKey(int n) {
        String digits = Integer.toString(n);
        return "payment-" + "0".repeat(KEY_BYTES - "payment-".length() - digits.length()) + digits;
    }

    private record Usage(long usedMemory, long keys) {
    }

    private Map<Integer, Usage> usage() {
        var usage = new HashMap<Integer, Usage>();
        for (RedisNode node : stack.liveRedisNodes()) {
            try (var jedis = node.endpoint().connect(TIMEOUT)) {
                usage.put(node.port(), new Usage(field(jedis.info("memory"), "used_memory:"), jedis.dbSize()));
            }
        }
        return usage;
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim());
            }
        }
        throw new IllegalStateException("no " + name + " in INFO memory");
    }

    static String describe(Result result) {
        return String.format(Locale.ROOT,
                "claim memory, %,d claims (%d-byte keys, processor owners, 24 h TTL; INFO memory used_memory):"
                        + " %.1f bytes per key on the master, %.1f on a replica (%,d new keys)",
                result.keys(), KEY_BYTES, result.masterBytesPerKey(), result.replicaBytesPerKey(), result.newKeys());
    }
}
