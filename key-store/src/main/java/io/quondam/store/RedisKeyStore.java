package io.quondam.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The claim protocol on the Redis master, through ONE connection: each claim (or batch of claims) is one EVALSHA
 * round trip, and {@link #awaitReplication} runs WAIT on that same connection, which covers exactly the writes
 * (claims, completions, releases) made through it. Connection errors, READONLY, NOREPLICAS and failovers are retried
 * with backoff, then reported as {@link KeyStoreUnavailableException}; a claim is only ever reported as held when Redis
 * said so.
 *
 * <p>Thread-safe, but calls are serialised: give each stream thread its own instance.
 */
public final class RedisKeyStore extends KeyOperationStore {
    private static final Logger log = LoggerFactory.getLogger(RedisKeyStore.class);
    static final int KEYS_PER_SCRIPT_CALL = 256;
    /** The most unconfirmed claims a session remembers to send again after a failover. */
    static final int MAX_REMEMBERED_CLAIMS = 100_000;
    /** How long one WAIT blocks before the online replicas are counted again. */
    static final Duration WAIT_SLICE = Duration.ofMillis(200);
    /** How long a replica that left the online set gets to say whether it is a master now. */
    static final int PROMOTION_CHECK_TIMEOUT_MILLIS = 300;

    private final RedisMasterLocator locator;
    private final boolean scriptsPerSlot;
    private final RetryPolicy retry;
    private final Timer claimLatency;
    private final Counter reconnects;
    private final Counter failovers;
    private final Counter claimsResent;
    private final Counter confirmedLost;
    private final Counter confirmedUnverified;

    private Jedis connection;
    /** The master of {@link #connection} for logs: as announced, with the address it was reached through if mapped. */
    private String master;
    /** The announced address of the last master connected to, to notice a failover. */
    private HostAndPort lastMaster;
    /** Claims written (or possibly written) through the current connection and not yet confirmed by WAIT. */
    private long unconfirmedWrites;
    /** The replicas online at this connection's last confirmation (announced addresses). */
    private java.util.Set<HostAndPort> onlineAtLastConfirmation = java.util.Set.of();
    /** The replicas online at this connection's last ROLE; -1 until it has read one. */
    private int onlineAtLastRole = -1;
    /** A connection holding unconfirmed writes was replaced: those writes may be gone with the old master. */
    private boolean unconfirmedWritesLost;
    /**
     * The claims ({@link KeyOperation.Claim}, the processor's) written since the last confirmation, to send again to
     * a new master when the connection that wrote them was replaced before WAIT; empty and unusable once writes of
     * other kinds, or more than {@link #MAX_REMEMBERED_CLAIMS}, were made meanwhile.
     */
    private final List<ClaimRequest> unconfirmedClaims = new ArrayList<>();
    private boolean unconfirmedClaimsComplete = true;
    private boolean scriptLoaded;
    /** The replication history of the master this connection reaches, read when it connected. */
    private String connectionHistory = "";
    /** The history and offset of the master at the last successful WAIT: what any later master must hold. */
    private ReplicationHistory confirmed = ReplicationHistory.NONE;
    private boolean closed;

    public RedisKeyStore(RedisSettings settings, MeterRegistry registry, String clientName) {
        this(new RedisMasterLocator(settings, clientName), settings.retry(), registry, false);
    }

    /**
     * A session on the master {@code locator} finds: on a Redis Cluster, one shard's, whose scripts may only touch one
     * slot each ({@code scriptsPerSlot}).
     */
    RedisKeyStore(RedisMasterLocator locator, RetryPolicy retry, MeterRegistry registry, boolean scriptsPerSlot) {
        this.locator = locator;
        this.scriptsPerSlot = scriptsPerSlot;
        this.retry = retry;
        this.claimLatency = Timer.builder("quondam.claim.latency")
                .description("Time for one claim round trip to Redis (a batch counts once)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.reconnects = Counter.builder("quondam.redis.reconnects")
                .description("Redis connections replaced after an error").register(registry);
        this.failovers = Counter.builder("quondam.redis.failovers")
                .description("Times a new connection found a different master than the previous one")
                .register(registry);
        this.confirmedLost = Counter.builder("quondam.redis.confirmed.lost")
                .description("Masters found after a reconnect that provably lack writes this session had confirmed")
                .register(registry);
        this.confirmedUnverified = Counter.builder("quondam.redis.confirmed.unverified")
                .description("Masters found after a reconnect whose history cannot show that they hold this session's"
                        + " confirmed writes (two failovers in a row, or a master restarted empty)")
                .register(registry);
        this.claimsResent = Counter.builder("quondam.redis.claims.resent")
                .description("Unconfirmed claims sent again to a new master after the connection that made them was"
                        + " replaced (a failover)")
                .register(registry);
    }

    @Override
    protected <T> T run(KeyOperation<T> operation) {
        return runAll(List.of(operation)).get(0).get();
    }

    /**
     * The whole group in one pipeline on the master: one round trip, whatever its size. An operation whose arguments
     * are invalid fails alone and is not sent; a connection error or a failover retries the whole group (every
     * operation is idempotent for its owner), and a reply that is an error fails its operation alone.
     */
    @Override
    public synchronized List<KeyOperation.Outcome> runAll(List<? extends KeyOperation<?>> operations) {
        return run(operations, null);
    }

    /**
     * As {@link #runAll}, with WAIT and ROLE at the end of the same pipeline once this connection knows how many
     * replicas are online: the writes are confirmed in the round trip that made them when WAIT counts at least
     * {@code minReplicas} and every replica online after it, and none that was online at the last confirmation has
     * left. Otherwise (a replay's follow-up wrote after the WAIT, a replica came or went, a reconnect) they are not,
     * and {@link #awaitReplication} does it the careful way.
     */
    @Override
    public synchronized Ran runAllAwaiting(List<? extends KeyOperation<?>> operations, int minReplicas,
                                           Duration timeout) {
        if (minReplicas == 0) {
            return new Ran(runAll(operations), false);
        }
        var wait = new PipelinedWait(minReplicas, Math.min(timeout.toMillis(), WAIT_SLICE.toMillis()));
        var outcomes = run(operations, wait);
        return new Ran(outcomes, wait.sent() && confirmedInPipeline(wait));
    }

    /** A WAIT (and the ROLE after it) sent at the end of a group's pipeline, and what came back. */
    private static final class PipelinedWait {
        final int minReplicas;
        final long timeoutMillis;
        Response<Long> acknowledged;
        Response<Object> role;
        boolean followedUp;

        PipelinedWait(int minReplicas, long timeoutMillis) {
            this.minReplicas = minReplicas;
            this.timeoutMillis = Math.max(1, timeoutMillis);
        }

        boolean sent() {
            return acknowledged != null && !followedUp;
        }
    }

    private boolean confirmedInPipeline(PipelinedWait wait) {
        if (unconfirmedWritesLost) {
            return false;
        }
        long acknowledged;
        Object role;
        try {
            acknowledged = wait.acknowledged.get();
            role = wait.role.get();
        } catch (JedisDataException e) {
            return false; // say, this node is a replica now: the careful way finds out and says so
        }
        var online = countOnline(role);
        if (acknowledged < Math.max(wait.minReplicas, online.size())
                || !addresses(online).containsAll(onlineAtLastConfirmation)) {
            return false;
        }
        confirmedWith(online);
        forgetUnconfirmed();
        return true;
    }

    /** The group in one pipeline, and {@code wait} at its end when given and the online replicas are known. */
    private List<KeyOperation.Outcome> run(List<? extends KeyOperation<?>> operations, PipelinedWait wait) {
        if (operations.isEmpty()) {
            return List.of();
        }
        var commands = new ArrayList<PipelinedCommand>(operations.size());
        for (var operation : operations) {
            commands.add(PipelinedCommand.of(operation, scriptsPerSlot));
        }
        long mayWrite = operations.stream().filter(KeyOperation::mayWrite).count();
        long start = System.nanoTime();
        var outcomes = withRetry("key operations", jedis -> {
            // Pessimistic until the replies say which operations wrote: a connection lost before then may have
            // taken writes with it. Reads never count, so that a failed read does not fail the next WAIT.
            unconfirmedWrites += mayWrite;
            var pipeline = jedis.pipelined();
            var replies = new ArrayList<PipelinedCommand.Reply>(commands.size());
            for (var command : commands) {
                replies.add(command.send(pipeline));
            }
            if (wait != null) {
                wait.acknowledged = null;
                if (mayWrite > 0 && onlineAtLastRole >= 0) {
                    wait.acknowledged = pipeline.waitReplicas(Math.max(wait.minReplicas, onlineAtLastRole),
                            wait.timeoutMillis);
                    wait.role = pipeline.sendCommand(Protocol.Command.ROLE, new String[0]);
                }
            }
            pipeline.sync();
            boolean followedUp = followUp(jedis, replies);
            if (wait != null) {
                wait.followedUp = followedUp;
            }
            var results = new ArrayList<KeyOperation.Outcome>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                var outcome = replies.get(i).outcome(); // rethrows NOSCRIPT, READONLY...: the group is retried
                if (operations.get(i).mayWrite() && !operations.get(i).wrote(outcome)) {
                    unconfirmedWrites--;
                }
                results.add(outcome);
            }
            for (int i = 0; i < commands.size(); i++) {
                remember(operations.get(i), results.get(i));
            }
            return results;
        });
        if (operations.stream()
                .anyMatch(op -> op instanceof KeyOperation.Claim || op instanceof KeyOperation.ClaimKey)) {
            claimLatency.record(Duration.ofNanos(System.nanoTime() - start)); // a round trip that carried claims
        }
        return outcomes;
    }

    /**
     * Sends what the replies still need (the claim script for keys a claim found its own) in one more round trip for
     * the whole group, and puts each follow-up's reply in place of the reply it completes.
     */
    private static boolean followUp(Jedis jedis, List<PipelinedCommand.Reply> replies) {
        Pipeline pipeline = null;
        for (int i = 0; i < replies.size(); i++) {
            var next = replies.get(i).followUp();
            if (next.isPresent()) {
                pipeline = pipeline == null ? jedis.pipelined() : pipeline;
                replies.set(i, next.get().send(pipeline));
            }
        }
        if (pipeline != null) {
            pipeline.sync();
        }
        return pipeline != null;
    }

    /** Keeps what {@link #resendClaims} needs to send a write of this operation again to a new master. */
    @SuppressWarnings("unchecked")
    private void remember(KeyOperation<?> operation, KeyOperation.Outcome outcome) {
        if (!operation.wrote(outcome) || !unconfirmedClaimsComplete) {
            return;
        }
        if (operation instanceof KeyOperation.Claim claim && unconfirmedClaims.size() < MAX_REMEMBERED_CLAIMS) {
            var results = (List<ClaimResult>) outcome.result();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).ownedByCaller()) {
                    unconfirmedClaims.add(claim.requests().get(i));
                }
            }
        } else {
            unconfirmedClaimsComplete = false; // another kind of write, or too many: none is sent again
            unconfirmedClaims.clear();
        }
    }

    private void forgetUnconfirmed() {
        unconfirmedWrites = 0;
        unconfirmedClaims.clear();
        unconfirmedClaimsComplete = true;
    }

    /**
     * The connection that made the unconfirmed claims was replaced, so a failover may have taken them: claim them
     * again on the master found now. Each must still be the caller's (replayed, or claimed anew if it was lost), or the
     * writes cannot be confirmed; the WAIT that follows then covers them on the new master.
     */
    private void resendClaims() {
        var claims = List.copyOf(unconfirmedClaims);
        forgetUnconfirmed();
        List<ClaimResult> results;
        try {
            results = run(new KeyOperation.Claim(claims));
        } catch (KeyStoreUnavailableException e) {
            // One retry budget can end before Sentinel has promoted a replica: give the failover another.
            log.warn("No master for the unconfirmed claims yet ({}); trying once more", e.getMessage());
            results = run(new KeyOperation.Claim(claims));
        }
        claimsResent.increment(claims.size());
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof ClaimResult.Duplicate duplicate) {
                throw new ReplicationException("the Redis connection was replaced before its claims were confirmed,"
                        + " and the master now gives " + claims.get(i).key() + " to " + duplicate.existingOwner());
            }
        }
        log.warn("Sent {} unconfirmed claims again to {}: the connection that made them was replaced", claims.size(),
                master);
    }

    /**
     * WAIT until at least {@code minReplicas} replicas, and every replica the master counts as online, hold the writes
     * of this connection. The online set is read with ROLE after the writes and again after each slice of
     * {@link #WAIT_SLICE} that ends short, so a replica that drops out (killed, disconnected, resyncing) stops
     * being waited for at once, and one that comes back is waited for from its first moment online. That is safe
     * only because a replica the master does not count is not promotable either: the redis-guard beside each node
     * keeps its replica-priority at 0 until it is online and caught up.
     */
    @Override
    public synchronized void awaitReplication(int minReplicas, Duration timeout) {
        try {
            confirm(minReplicas, timeout);
        } catch (ReplicationLagException e) {
            throw e; // the writes are still on this connection: a later WAIT may confirm them
        } catch (RuntimeException e) {
            // They may be gone with a replaced connection, and the caller gives up on them (the processor aborts its
            // transaction): remember none of them.
            unconfirmedWritesLost = false;
            forgetUnconfirmed();
            throw e;
        }
    }

    private void confirm(int minReplicas, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (unconfirmedWritesLost) {
                unconfirmedWritesLost = false;
                if (!unconfirmedClaimsComplete || unconfirmedClaims.isEmpty()) {
                    throw new ReplicationException("the Redis connection was replaced before its writes were"
                            + " confirmed; they may have been lost in a failover");
                }
                resendClaims();
            }
            if (unconfirmedWrites == 0 || minReplicas == 0) {
                forgetUnconfirmed();
                return;
            }
            try {
                waitForReplicas(minReplicas, timeout, deadline);
                forgetUnconfirmed();
                return;
            } catch (JedisConnectionException e) {
                dropConnection(e); // the writes may be gone with it: sent again above, if they can be
                if (!unconfirmedWritesLost) {
                    throw new ReplicationException("WAIT failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * WAIT in slices, each pipelined with a ROLE that says which replicas are online for the next slice and, once WAIT
     * succeeds, the smallest offset they acknowledged: every write of this connection lies below it, and every online
     * replica holds everything below it.
     */
    private void waitForReplicas(int minReplicas, Duration timeout, long deadline) {
        if (connection == null) {
            // WAIT on a new connection would count nothing written through it, and confirm nothing.
            throw new ReplicationException("no Redis connection holds the writes to confirm");
        }
        var online = countOnline(connection.role());
        while (true) {
            int needed = Math.max(minReplicas, online.size());
            long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            long slice = Math.min(remainingMillis, WAIT_SLICE.toMillis());
            var pipeline = connection.pipelined();
            var waited = pipeline.waitReplicas(needed, slice);
            var roleAfter = pipeline.sendCommand(Protocol.Command.ROLE, new String[0]);
            pipeline.sync();
            long acknowledged = waited.get();
            online = countOnline(roleAfter.get());
            if (acknowledged >= needed) {
                refuseIfAReplicaThatLeftWasPromoted(addresses(online));
                confirmedWith(online);
                return;
            }
            if (slice >= remainingMillis) {
                throw new ReplicationLagException("WAIT " + needed + " (at least " + minReplicas + ", and every"
                        + " online replica) for " + timeout.toMillis() + " ms: only " + acknowledged
                        + " replica(s) acknowledged the writes of this connection");
            }
        }
    }

    /**
     * A replica that was online at the last confirmation and is not now may have left because Sentinel promoted it
     * (a spurious failover, say): this master then goes on confirming writes with the replicas it has left until
     * Sentinel demotes it, and the promoted one lacks them. So such a replica is asked whether it is a master now;
     * if so, nothing this master confirms counts. Asked once per departure when it is not; a node that does not
     * answer (killed) cannot be promoted.
     */
    private void refuseIfAReplicaThatLeftWasPromoted(java.util.Set<HostAndPort> online) {
        for (HostAndPort left : onlineAtLastConfirmation) {
            if (!online.contains(left) && locator.answersAsMaster(left, PROMOTION_CHECK_TIMEOUT_MILLIS)) {
                var failure = new ReplicationException("the replica " + left + " that held this connection's"
                        + " earlier writes is now a master: " + master + " is being failed over, and what it confirms"
                        + " now may be undone");
                // Leave this master: the next call asks the Sentinels again, which name the promoted one as soon as
                // the failover has ended, instead of writing on here until Sentinel demotes this one.
                dropConnection(failure);
                throw failure;
            }
        }
    }

    /**
     * The online replicas hold every write of this connection: they are the ones to check at the next confirmation,
     * and the smallest offset they acknowledged is what any later master must hold.
     */
    private void confirmedWith(List<OnlineReplica> online) {
        onlineAtLastConfirmation = addresses(online);
        online.stream().mapToLong(OnlineReplica::acknowledged).min()
                .ifPresent(offset -> confirmed = new ReplicationHistory(connectionHistory, offset));
    }

    /** The online replicas of a ROLE reply, remembering how many there are for the next pipelined WAIT. */
    private List<OnlineReplica> countOnline(Object roleReply) {
        var online = onlineReplicas(roleReply);
        onlineAtLastRole = online.size();
        return online;
    }

    private static java.util.Set<HostAndPort> addresses(List<OnlineReplica> replicas) {
        var addresses = new java.util.HashSet<HostAndPort>();
        replicas.forEach(replica -> addresses.add(replica.address()));
        return java.util.Set.copyOf(addresses);
    }

    /** A replica of a master's ROLE reply: the address it announced and the offset it last acknowledged. */
    private record OnlineReplica(HostAndPort address, long acknowledged) {
    }

    /**
     * The replicas a master's ROLE reply lists ({@code [ip, port, offset]} each): the online ones only. Empty if the
     * node is no longer a master.
     */
    private static List<OnlineReplica> onlineReplicas(Object role) {
        var replicas = new ArrayList<OnlineReplica>();
        if (role instanceof List<?> reply && reply.size() >= 3 && reply.get(2) instanceof List<?> listed) {
            for (Object replica : listed) {
                if (replica instanceof List<?> fields && fields.size() >= 3) {
                    try {
                        replicas.add(new OnlineReplica(new HostAndPort(text(fields.get(0)),
                                Integer.parseInt(text(fields.get(1)))), Long.parseLong(text(fields.get(2)))));
                    } catch (NumberFormatException e) {
                        // not a replica line of a ROLE reply; ROLE never sends one
                    }
                }
            }
        }
        return replicas;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    private <T> T withRetry(String operation, Function<Jedis, T> call) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            try {
                return call.apply(connection());
            } catch (JedisNoScriptException e) {
                // The script cache was flushed under us: load it again on the next attempt, without waiting.
                last = e;
                scriptLoaded = false;
                continue;
            } catch (JedisConnectionException e) {
                last = e;
                dropConnection(e);
            } catch (JedisDataException e) {
                if (!isRetryable(e)) {
                    throw new KeyStoreException(operation + " failed: " + e.getMessage(), e);
                }
                last = e;
                dropConnection(e); // READONLY and friends: this node is no longer the master we want
            }
            if (attempt < retry.maxAttempts()) {
                pause(retry.backoff(attempt));
            }
        }
        throw new KeyStoreUnavailableException(operation + " failed after " + retry.maxAttempts()
                + " attempts: " + (last == null ? "unknown" : last.getMessage()), last);
    }

    static boolean isRetryable(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("READONLY") || message.contains("NOREPLICAS") || message.startsWith("LOADING")
                || message.contains("MASTERDOWN") || message.startsWith("TRYAGAIN") || message.startsWith("BUSY")
                || message.startsWith("CLUSTERDOWN");
    }

    /** The master this session is connected to, as the cluster or Sentinel announced it; empty while unconnected. */
    synchronized java.util.Optional<HostAndPort> connectedMaster() {
        return connection == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(lastMaster);
    }

    private Jedis connection() {
        if (closed) {
            throw new IllegalStateException("key store is closed");
        }
        if (connection == null) {
            var opened = locator.connect();
            connection = opened.jedis();
            master = opened.describe();
            if (lastMaster != null && !lastMaster.equals(opened.announced())) {
                failovers.increment();
                log.warn("Redis master changed from {} to {}", lastMaster, master);
            }
            // The replicas that were online with the old master could be promoted behind the new one's back: ask
            // those not online now at the first confirmation. Not the old master: cut off, it still calls itself one.
            var carried = new java.util.HashSet<>(onlineAtLastConfirmation);
            carried.remove(opened.announced());
            onlineAtLastConfirmation = java.util.Set.copyOf(carried);
            lastMaster = opened.announced();
            onlineAtLastRole = -1;
            scriptLoaded = false;
            checkHistory(connection.info("replication"));
        }
        if (!scriptLoaded) {
            connection.scriptLoad(ClaimScript.SOURCE);
            connection.scriptLoad(ApiScripts.CLAIM_KEY_SOURCE);
            connection.scriptLoad(ApiScripts.COMPLETE_SOURCE);
            connection.scriptLoad(ApiScripts.STATUS_SOURCE);
            scriptLoaded = true;
        }
        return connection;
    }

    /**
     * Reports a master that provably lacks writes this session had confirmed (Sentinel promoted a replica without
     * them), or whose history cannot tell; then follows that master's history from here on.
     */
    private void checkHistory(String replicationInfo) {
        String history = ReplicationHistory.idOf(replicationInfo);
        if (confirmed.isKnown() && !history.equals(connectionHistory)) {
            switch (confirmed.heldBy(replicationInfo)) {
                case LACKS -> {
                    confirmedLost.increment();
                    log.error("The Redis master {} lacks writes this session had confirmed: it continues replication"
                            + " history {} from before offset {}. Sentinel promoted a replica without them; claims"
                            + " confirmed since that offset may be claimed again.", master, confirmed.id(),
                            confirmed.offset());
                }
                case UNKNOWN -> {
                    confirmedUnverified.increment();
                    log.warn("The Redis master {} does not continue replication history {}: whether it holds the"
                            + " writes confirmed up to offset {} cannot be told", master, confirmed.id(),
                            confirmed.offset());
                }
                case HOLDS -> log.info("The Redis master {} holds every write this session confirmed", master);
            }
        }
        connectionHistory = history;
    }

    private void dropConnection(RuntimeException cause) {
        if (connection == null) {
            return;
        }
        if (unconfirmedWrites > 0) {
            unconfirmedWritesLost = true;
        }
        log.warn("Redis connection to {} dropped: {}", master, cause.getMessage());
        reconnects.increment();
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // The socket is already broken; nothing more to release.
        }
        connection = null;
        master = null;
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyStoreUnavailableException("interrupted while waiting to retry", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
