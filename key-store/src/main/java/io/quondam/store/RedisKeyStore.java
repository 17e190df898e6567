package io.quondam.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The claim protocol on the Redis master, through ONE connection: each claim (or batch of claims) is one EVALSHA
 * round trip, and {@link #awaitReplication} runs WAIT on that same connection, which covers exactly the writes
 * (claims, completions, releases) made through it. Connection errors, READONLY, NOREPLICAS and failovers are retried with backoff, then reported as
 * {@link KeyStoreUnavailableException}; a claim is only ever reported as held when Redis said so.
 *
 * <p>Thread-safe, but calls are serialised: give each stream thread its own instance.
 */
public final class RedisKeyStore implements KeyStore {
    private static final Logger log = LoggerFactory.getLogger(RedisKeyStore.class);
    static final int KEYS_PER_SCRIPT_CALL = 256;

    private final RedisMasterLocator locator;
    private final RetryPolicy retry;
    private final Timer claimLatency;
    private final Counter reconnects;
    private final Counter failovers;

    private Jedis connection;
    /** The master of {@link #connection} for logs: as announced, with the address it was reached through if mapped. */
    private String master;
    /** The announced address of the last master connected to, to notice a failover. */
    private HostAndPort lastMaster;
    /** Claims written (or possibly written) through the current connection and not yet confirmed by WAIT. */
    private long unconfirmedWrites;
    /** A connection holding unconfirmed writes was replaced: those writes may be gone with the old master. */
    private boolean unconfirmedWritesLost;
    private boolean scriptLoaded;
    private boolean closed;

    public RedisKeyStore(RedisSettings settings, MeterRegistry registry, String clientName) {
        this.locator = new RedisMasterLocator(settings, clientName);
        this.retry = settings.retry();
        this.claimLatency = Timer.builder("quondam.claim.latency")
                .description("Time for one claim round trip to Redis (a batch counts once)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.reconnects = Counter.builder("quondam.redis.reconnects")
                .description("Redis connections replaced after an error").register(registry);
        this.failovers = Counter.builder("quondam.redis.failovers")
                .description("Times a new connection found a different master than the previous one")
                .register(registry);
    }

    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        return requests.isEmpty() ? List.of() : runOne(new KeyOperation.Claim(requests));
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        return runOne(new KeyOperation.ClaimKey(namespace, key, owner, ttl, fingerprint));
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        return runOne(new KeyOperation.Complete(namespace, key, owner, response, fingerprint));
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        return runOne(new KeyOperation.Status(namespace, key));
    }

    @Override
    public boolean release(String namespace, String key) {
        return runOne(new KeyOperation.Release(namespace, key));
    }

    private <T> T runOne(KeyOperation<T> operation) {
        return runAll(List.of(operation)).get(0).get();
    }

    /**
     * The whole group in one pipeline on the master: one round trip, whatever its size. An operation whose arguments
     * are invalid fails alone and is not sent; a connection error or a failover retries the whole group (every
     * operation is idempotent for its owner), and a reply that is an error fails its operation alone.
     */
    @Override
    public synchronized List<KeyOperation.Outcome> runAll(List<? extends KeyOperation<?>> operations) {
        if (operations.isEmpty()) {
            return List.of();
        }
        var commands = new ArrayList<PipelinedCommand>(operations.size());
        for (var operation : operations) {
            commands.add(PipelinedCommand.of(operation));
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
            pipeline.sync();
            var results = new ArrayList<KeyOperation.Outcome>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                var outcome = replies.get(i).outcome(); // rethrows NOSCRIPT, READONLY...: the group is retried
                if (operations.get(i).mayWrite() && !operations.get(i).wrote(outcome)) {
                    unconfirmedWrites--;
                }
                results.add(outcome);
            }
            return results;
        });
        if (operations.stream().anyMatch(op -> op instanceof KeyOperation.Claim || op instanceof KeyOperation.ClaimKey)) {
            claimLatency.record(Duration.ofNanos(System.nanoTime() - start)); // a round trip that carried claims
        }
        return outcomes;
    }

    @Override
    public synchronized void awaitReplication(int minReplicas, Duration timeout) {
        if (unconfirmedWritesLost) {
            unconfirmedWritesLost = false;
            unconfirmedWrites = 0;
            throw new ReplicationException("the Redis connection was replaced before its claims were confirmed;"
                    + " they may have been lost in a failover");
        }
        if (unconfirmedWrites == 0 || minReplicas == 0) {
            return;
        }
        long acknowledged;
        try {
            acknowledged = connection.waitReplicas(minReplicas, timeout.toMillis());
        } catch (JedisConnectionException e) {
            dropConnection(e);
            unconfirmedWritesLost = false;
            unconfirmedWrites = 0;
            throw new ReplicationException("WAIT failed: " + e.getMessage(), e);
        }
        if (acknowledged < minReplicas) {
            throw new ReplicationLagException("WAIT " + minReplicas + " " + timeout.toMillis() + ": only "
                    + acknowledged + " replica(s) acknowledged the claims of this connection");
        }
        unconfirmedWrites = 0;
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
                || message.contains("MASTERDOWN") || message.startsWith("TRYAGAIN") || message.startsWith("BUSY");
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
            lastMaster = opened.announced();
            scriptLoaded = false;
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

    private static void pause(Duration duration) {
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
