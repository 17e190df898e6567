package io.quondam.store;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim protocol on a Redis Cluster: one {@link RedisKeyStore} session per shard, each on its shard's master with
 * the same durability rule (WAIT on the connection that wrote, every online replica of that shard), and a slot map to
 * route each key to its shard. A group of operations is split by shard and the shards' pipelines run in parallel; a
 * claim of many keys is split into one claim per shard and its results put back in order. A key whose slot has moved
 * (MOVED, ASK) was not written: it is sent again where the refreshed slot map says, with a growing pause, a few times
 * at most; a slot still moving then makes the call fail as unavailable, to be retried. ASK is not followed to the
 * importing node: a key of a slot in motion waits until the move is complete, so every write goes to a slot's owner,
 * on the session whose WAIT confirms it.
 *
 * <p>Thread-safe, but calls are serialised, as {@link RedisKeyStore}'s: give each stream thread its own instance.
 */
public final class RedisClusterKeyStore extends KeyOperationStore {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterKeyStore.class);
    /** How many times a redirected key is routed again before its operation fails. */
    static final int MAX_REDIRECTS = 6;
    /** The pause before routing redirected keys again, doubled each time: 0.1 + 0.2 + ... + 1.6 s in all. */
    static final Duration REDIRECT_BACKOFF = Duration.ofMillis(100);

    private final RedisSettings settings;
    private final MeterRegistry registry;
    private final String clientName;
    private final RedisMasterLocator seeds;
    private final Map<Integer, RedisKeyStore> shards = new TreeMap<>();
    /** Sessions whose naming slot a resharding gave to another master; see {@link #retireMovedSessions}. */
    private final List<RedisKeyStore> retired = new ArrayList<>();
    private final ExecutorService parallel;
    private ClusterSlots slots;
    private boolean closed;

    public RedisClusterKeyStore(RedisSettings settings, MeterRegistry registry, String clientName) {
        if (settings.mode() != RedisSettings.Mode.CLUSTER) {
            throw new IllegalArgumentException("a cluster key store needs QUONDAM_REDIS_MODE=cluster");
        }
        this.settings = settings;
        this.registry = registry;
        this.clientName = clientName;
        this.seeds = new RedisMasterLocator(settings, clientName);
        this.parallel = Executors.newCachedThreadPool(runnable -> {
            var thread = new Thread(runnable, clientName + "-shard");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected <T> T run(KeyOperation<T> operation) {
        return runAll(List.of(operation)).get(0).get();
    }

    @Override
    public synchronized List<KeyOperation.Outcome> runAll(List<? extends KeyOperation<?>> operations) {
        return run(operations, (store, group) -> new Ran(store.runAll(group), false)).outcomes();
    }

    /** Confirmed in the same round trip only when every shard that took part confirmed its own writes so. */
    @Override
    public synchronized Ran runAllAwaiting(List<? extends KeyOperation<?>> operations, int minReplicas,
                                           Duration timeout) {
        var ran = run(operations, (store, group) -> store.runAllAwaiting(group, minReplicas, timeout));
        return retired.isEmpty() ? ran : new Ran(ran.outcomes(), false);
    }

    /** Every shard session that wrote since its last confirmation waits for its own replicas, in parallel. */
    @Override
    public synchronized void awaitReplication(int minReplicas, Duration timeout) {
        var stores = new ArrayList<>(shards.values());
        stores.addAll(retired);
        var waits = new ArrayList<Future<?>>(stores.size());
        for (var store : stores) {
            waits.add(parallel.submit(() -> store.awaitReplication(minReplicas, timeout)));
        }
        join(waits);
        retired.forEach(RedisKeyStore::close);
        retired.clear();
    }

    private interface ShardRun {
        Ran run(RedisKeyStore store, List<KeyOperation<?>> group);
    }

    /**
     * One part of an operation bound for one shard: the operation itself, or for a claim of many keys those of its
     * requests ({@code positions} in the original) that live on one shard.
     */
    private record Part(int operation, KeyOperation<?> op, int[] positions) {
    }

    private Ran run(List<? extends KeyOperation<?>> operations, ShardRun shardRun) {
        if (closed) {
            throw new IllegalStateException("key store is closed");
        }
        var outcomes = new KeyOperation.Outcome[operations.size()];
        var claimResults = new ClaimResult[operations.size()][];
        var pending = new ArrayList<Part>();
        for (int i = 0; i < operations.size(); i++) {
            var op = operations.get(i);
            if (op instanceof KeyOperation.Claim claim) {
                claimResults[i] = new ClaimResult[claim.requests().size()];
                pending.add(new Part(i, op, allPositions(claim.requests().size())));
            } else {
                pending.add(new Part(i, op, new int[0]));
            }
        }
        boolean confirmed = true;
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round > 0) {
                RedisKeyStore.pause(REDIRECT_BACKOFF.multipliedBy(1L << (round - 1)));
                refreshSlots();
            }
            var byShard = split(pending, outcomes);
            pending = new ArrayList<>();
            var runs = new LinkedHashMap<Integer, Future<Ran>>();
            for (var shard : byShard.entrySet()) {
                var store = shard(shard.getKey());
                var group = shard.getValue().stream().<KeyOperation<?>>map(Part::op).toList();
                runs.put(shard.getKey(), parallel.submit(() -> shardRun.run(store, group)));
            }
            for (var shard : byShard.entrySet()) {
                var ran = join(runs.get(shard.getKey()));
                confirmed &= ran.confirmed();
                var parts = shard.getValue();
                for (int j = 0; j < parts.size(); j++) {
                    var part = parts.get(j);
                    var outcome = ran.outcomes().get(j);
                    if (outcome.failure() instanceof ClusterRedirectException redirect) {
                        if (round + 1 >= MAX_REDIRECTS) {
                            outcomes[part.operation()] = KeyOperation.Outcome.failed(new KeyStoreUnavailableException(
                                    "a key's slot is still moving between shards after " + MAX_REDIRECTS
                                            + " attempts: " + redirect.getMessage(), redirect));
                        } else {
                            log.debug("Routing again after a redirect: {}", redirect.getMessage());
                            pending.add(part);
                        }
                    } else {
                        record(part, outcome, outcomes, claimResults);
                    }
                }
            }
        }
        var merged = new ArrayList<KeyOperation.Outcome>(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            merged.add(outcomes[i] != null ? outcomes[i] : KeyOperation.Outcome.of(List.of(claimResults[i])));
        }
        return new Ran(merged, confirmed);
    }

    private static int[] allPositions(int size) {
        int[] positions = new int[size];
        for (int i = 0; i < size; i++) {
            positions[i] = i;
        }
        return positions;
    }

    /**
     * The parts by the anchor of their shard, a claim of many keys split into one part per shard. An operation whose
     * key is invalid fails here, before anything is sent, as it would on one master.
     */
    private Map<Integer, List<Part>> split(List<Part> parts, KeyOperation.Outcome[] outcomes) {
        var map = slots();
        var byShard = new TreeMap<Integer, List<Part>>();
        for (var part : parts) {
            try {
                if (part.op() instanceof KeyOperation.Claim claim) {
                    var positionsByShard = new TreeMap<Integer, List<Integer>>();
                    for (int at = 0; at < claim.requests().size(); at++) {
                        var request = claim.requests().get(at);
                        int anchor = map.anchorOf(ClusterSlots.slotOf(RedisKeys.of(request.namespace(),
                                request.key())));
                        positionsByShard.computeIfAbsent(anchor, a -> new ArrayList<>()).add(at);
                    }
                    for (var shard : positionsByShard.entrySet()) {
                        var requests = shard.getValue().stream().map(claim.requests()::get).toList();
                        int[] positions = shard.getValue().stream().mapToInt(at -> part.positions()[at]).toArray();
                        byShard.computeIfAbsent(shard.getKey(), a -> new ArrayList<>())
                                .add(new Part(part.operation(), new KeyOperation.Claim(requests), positions));
                    }
                } else {
                    var one = (KeyOperation.OnOneKey) part.op();
                    int anchor = map.anchorOf(ClusterSlots.slotOf(RedisKeys.of(one.namespace(), one.key())));
                    byShard.computeIfAbsent(anchor, a -> new ArrayList<>()).add(part);
                }
            } catch (IllegalArgumentException e) {
                outcomes[part.operation()] = KeyOperation.Outcome.failed(e);
            }
        }
        return byShard;
    }

    /** A part's outcome into its operation's: a claim's results go to their places, its first failure fails it. */
    private static void record(Part part, KeyOperation.Outcome outcome, KeyOperation.Outcome[] outcomes,
                               ClaimResult[][] claimResults) {
        if (!(part.op() instanceof KeyOperation.Claim)) {
            outcomes[part.operation()] = outcome;
        } else if (outcome.failure() != null) {
            if (outcomes[part.operation()] == null) {
                outcomes[part.operation()] = outcome;
            }
        } else {
            @SuppressWarnings("unchecked")
            var results = (List<ClaimResult>) outcome.result();
            for (int j = 0; j < results.size(); j++) {
                claimResults[part.operation()][part.positions()[j]] = results.get(j);
            }
        }
    }

    private ClusterSlots slots() {
        if (slots == null) {
            refreshSlots();
        }
        return slots;
    }

    private void refreshSlots() {
        try {
            slots = seeds.clusterSlots();
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            throw new KeyStoreUnavailableException("cannot read the Redis Cluster's slot map: " + e.getMessage(), e);
        }
        retireMovedSessions();
    }

    /**
     * A session is named by its master's lowest slot. When a resharding gives that slot to another master, the keys of
     * the new owner would be routed to a session still connected to the old one, and be redirected for ever. Such a
     * session leaves the map: it stays on its master until the next confirmation has covered its writes there, then
     * closes; the slot's new owner gets a session of its own, and the old master one under its new lowest slot.
     */
    private void retireMovedSessions() {
        for (var shard = shards.entrySet().iterator(); shard.hasNext();) {
            var entry = shard.next();
            var connected = entry.getValue().connectedMaster();
            if (connected.isPresent() && slots.servedByAnother(entry.getKey(), connected.get())) {
                shard.remove();
                retired.add(entry.getValue());
                log.info("Slot {} moved away from {}: its session closes once its writes there are confirmed",
                        entry.getKey(), connected.get());
            }
        }
    }

    /** The session of the shard whose lowest slot is {@code anchor}, opened on first use. */
    private RedisKeyStore shard(int anchor) {
        return shards.computeIfAbsent(anchor, a -> new RedisKeyStore(RedisMasterLocator.forSlot(settings, clientName,
                a), settings.retry(), registry, true));
    }

    private static void join(List<Future<?>> futures) {
        RuntimeException first = null;
        for (var future : futures) {
            try {
                join(future);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyStoreUnavailableException("interrupted while waiting for a shard", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new KeyStoreException("a shard failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        shards.values().forEach(RedisKeyStore::close);
        shards.clear();
        retired.forEach(RedisKeyStore::close);
        retired.clear();
        parallel.shutdownNow();
    }
}
