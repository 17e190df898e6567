package io.quondam.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A {@link KeyOperation} as Redis commands to put into a pipeline, and how to read their replies. Its arguments are
 * checked when it is made, so that an invalid operation fails alone, before anything is sent.
 */
final class PipelinedCommand {
    /** The replies of one operation's commands, read once the pipeline is synced. */
    interface Reply {
        /** The operation's outcome; rethrows an error the whole group must be retried for (NOSCRIPT, READONLY...). */
        KeyOperation.Outcome outcome();
    }

    private final Function<Pipeline, Reply> send;

    private PipelinedCommand(Function<Pipeline, Reply> send) {
        this.send = send;
    }

    Reply send(Pipeline pipeline) {
        return send.apply(pipeline);
    }

    static PipelinedCommand of(KeyOperation<?> operation) {
        try {
            if (operation instanceof KeyOperation.ClaimKey op) {
                return claimKey(op);
            } else if (operation instanceof KeyOperation.Complete op) {
                return complete(op);
            } else if (operation instanceof KeyOperation.Status op) {
                return script(ApiScripts.STATUS_SHA1, RedisKeys.of(op.namespace(), op.key()), List.of(),
                        ApiScripts::parseStatus);
            } else if (operation instanceof KeyOperation.Release op) {
                return release(op);
            }
            return claim((KeyOperation.Claim) operation);
        } catch (IllegalArgumentException e) {
            var failed = KeyOperation.Outcome.failed(e);
            return new PipelinedCommand(pipeline -> () -> failed);
        }
    }

    private static PipelinedCommand claimKey(KeyOperation.ClaimKey op) {
        var request = new ClaimRequest(op.namespace(), op.key(), op.owner(), op.ttl()); // validates as the processor's
        op.fingerprint().ifPresent(f -> WellFormedText.require("the fingerprint", f));
        return script(ApiScripts.CLAIM_KEY_SHA1, RedisKeys.of(request.namespace(), request.key()),
                List.of(op.owner(), Long.toString(op.ttl().toMillis()), op.fingerprint().orElse("")),
                ApiScripts::parseClaim);
    }

    private static PipelinedCommand complete(KeyOperation.Complete op) {
        InMemoryKeyStore.requireWellFormed(op.owner(), op.response(), op.fingerprint());
        return script(ApiScripts.COMPLETE_SHA1, RedisKeys.of(op.namespace(), op.key()),
                List.of(op.owner(), op.response(), op.fingerprint().orElse("")), ApiScripts::parseComplete);
    }

    private static PipelinedCommand release(KeyOperation.Release op) {
        String key = RedisKeys.of(op.namespace(), op.key());
        return new PipelinedCommand(pipeline -> {
            Response<Long> deleted = pipeline.del(key);
            return () -> read(() -> deleted.get() > 0);
        });
    }

    private static PipelinedCommand script(String sha1, String key, List<String> args, Function<Object, ?> parse) {
        return new PipelinedCommand(pipeline -> {
            Response<Object> reply = pipeline.evalsha(sha1, List.of(key), args);
            return () -> read(() -> parse.apply(reply.get()));
        });
    }

    /**
     * One script call per {@value RedisKeyStore#KEYS_PER_SCRIPT_CALL} keys: no single call holds Redis
     * (single-threaded) for longer than a few milliseconds.
     */
    private static PipelinedCommand claim(KeyOperation.Claim op) {
        var chunks = new ArrayList<List<ClaimRequest>>();
        var keys = new ArrayList<List<String>>();
        var args = new ArrayList<List<String>>();
        var requests = op.requests();
        for (int from = 0; from < requests.size(); from += RedisKeyStore.KEYS_PER_SCRIPT_CALL) {
            var chunk = requests.subList(from, Math.min(requests.size(), from + RedisKeyStore.KEYS_PER_SCRIPT_CALL));
            chunks.add(chunk);
            keys.add(ClaimScript.keys(chunk));
            args.add(ClaimScript.args(chunk));
        }
        return new PipelinedCommand(pipeline -> {
            var replies = new ArrayList<Response<Object>>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                replies.add(pipeline.evalsha(ClaimScript.SHA1, keys.get(i), args.get(i)));
            }
            return () -> read(() -> {
                var results = new ArrayList<ClaimResult>(requests.size());
                for (int i = 0; i < replies.size(); i++) {
                    results.addAll(ClaimScript.parse(replies.get(i).get(), chunks.get(i).size()));
                }
                return results;
            });
        });
    }

    private interface Parse {
        Object get();
    }

    /** A reply as an outcome: errors that concern the connection or the master propagate, others fail the call. */
    private static KeyOperation.Outcome read(Parse parse) {
        try {
            return KeyOperation.Outcome.of(parse.get());
        } catch (JedisNoScriptException e) {
            throw e;
        } catch (JedisDataException e) {
            if (RedisKeyStore.isRetryable(e)) {
                throw e;
            }
            return KeyOperation.Outcome.failed(new KeyStoreException("Redis refused the call: " + e.getMessage(), e));
        } catch (KeyStoreException e) {
            return KeyOperation.Outcome.failed(e);
        }
    }
}
