package io.quondam.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * A {@link KeyOperation} as Redis commands to put into a pipeline, and how to read their replies. Its arguments are
 * checked when it is made, so that an invalid operation fails alone, before anything is sent.
 */
final class PipelinedCommand {
    /** The replies of one operation's commands, read once the pipeline is synced. */
    interface Reply {
        /** The operation's outcome; rethrows an error the whole group must be retried for (NOSCRIPT, READONLY...). */
        KeyOperation.Outcome outcome();

        /**
         * A command the operation still needs before its outcome is final, for the group's next round trip; its
         * reply's outcome then stands for the whole operation. Empty for almost every operation.
         */
        default Optional<PipelinedCommand> followUp() {
            return Optional.empty();
        }
    }

    private final Function<Pipeline, Reply> send;

    private PipelinedCommand(Function<Pipeline, Reply> send) {
        this.send = send;
    }

    Reply send(Pipeline pipeline) {
        return send.apply(pipeline);
    }

    /**
     * {@code scriptsPerSlot}: on a Redis Cluster, where one script call may only touch keys of one slot, the claim
     * script is called per slot.
     */
    static PipelinedCommand of(KeyOperation<?> operation, boolean scriptsPerSlot) {
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
            return claim((KeyOperation.Claim) operation, scriptsPerSlot);
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
        byte[] key = RedisKeys.of(op.namespace(), op.key());
        return new PipelinedCommand(pipeline -> {
            Response<Long> deleted = pipeline.del(key);
            return () -> read(() -> deleted.get() > 0);
        });
    }

    private static PipelinedCommand script(String sha1, byte[] key, List<String> args, Function<Object, ?> parse) {
        var binaryArgs = args.stream().map(arg -> arg.getBytes(StandardCharsets.UTF_8)).toList();
        return new PipelinedCommand(pipeline -> {
            Response<Object> reply = pipeline.evalsha(bytes(sha1), List.of(key), binaryArgs);
            return () -> read(() -> parse.apply(reply.get()));
        });
    }

    /**
     * A claim starts as what almost every claim is, a new key: one plain {@code SET key value NX PX ttl} per key, the
     * cheapest write Redis and its replicas can apply, each followed by a {@code GET} in the same round trip that
     * shows the owner of a key that existed. A key held by another owner is a duplicate. Only a key the caller already
     * holds (a replay) needs the claim script, in a second round trip, because its value must be written again on
     * this connection for WAIT to cover it; so does a key that expired between the two commands.
     */
    private static PipelinedCommand claim(KeyOperation.Claim op, boolean scriptsPerSlot) {
        var requests = op.requests();
        var keys = new ArrayList<byte[]>(requests.size());
        for (var request : requests) {
            keys.add(RedisKeys.of(request.namespace(), request.key()));
        }
        return new PipelinedCommand(pipeline -> {
            var sets = new ArrayList<Response<String>>(requests.size());
            var gets = new ArrayList<Response<byte[]>>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                var request = requests.get(i);
                sets.add(pipeline.set(keys.get(i), ClaimValue.inProgress(request.owner()),
                        SetParams.setParams().nx().px(request.ttl().toMillis())));
                gets.add(pipeline.get(keys.get(i)));
            }
            return new NewKeysFirst(requests, keys, sets, gets, scriptsPerSlot);
        });
    }

    /** The replies of {@link #claim}: final for new keys and duplicates, a follow-up for the rest. */
    private static final class NewKeysFirst implements Reply {
        private final List<ClaimRequest> requests;
        private final List<byte[]> keys;
        private final List<Response<String>> sets;
        private final List<Response<byte[]>> gets;
        private final boolean scriptsPerSlot;
        /** What the SET and GET replies decide, read once; null where the claim script must decide. */
        private List<ClaimResult> firstPass;

        NewKeysFirst(List<ClaimRequest> requests, List<byte[]> keys, List<Response<String>> sets,
                     List<Response<byte[]>> gets, boolean scriptsPerSlot) {
            this.requests = requests;
            this.keys = keys;
            this.scriptsPerSlot = scriptsPerSlot;
            this.sets = sets;
            this.gets = gets;
        }

        /** One result per request; null where the claim script must decide. Throws what a reply holds. */
        private List<ClaimResult> firstPass() {
            if (firstPass == null) {
                firstPass = decide();
            }
            return firstPass;
        }

        private List<ClaimResult> decide() {
            var results = new ArrayList<ClaimResult>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                String owner = requests.get(i).owner();
                if ("OK".equals(sets.get(i).get())) {
                    results.add(new ClaimResult.Claimed(owner));
                    continue;
                }
                byte[] value = gets.get(i).get();
                var request = requests.get(i);
                String holder = value == null ? null : ClaimValue.owner(request.namespace(), request.key(), value);
                results.add(holder == null || holder.equals(owner) ? null : new ClaimResult.Duplicate(holder));
            }
            return results;
        }

        @Override
        public KeyOperation.Outcome outcome() {
            return read(() -> {
                var results = firstPass();
                if (results.contains(null)) {
                    throw new IllegalStateException("a claim was read before its follow-up");
                }
                return results;
            });
        }

        @Override
        public Optional<PipelinedCommand> followUp() {
            List<ClaimResult> results;
            try {
                results = firstPass();
            } catch (RuntimeException e) {
                return Optional.empty(); // outcome() reports it, or rethrows it for the group to be retried
            }
            var pending = new ArrayList<Integer>();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) == null) {
                    pending.add(i);
                }
            }
            if (pending.isEmpty()) {
                return Optional.empty();
            }
            var script = scriptClaim(pending.stream().map(requests::get).toList(),
                    pending.stream().map(keys::get).toList(), scriptsPerSlot);
            return Optional.of(new PipelinedCommand(pipeline -> {
                var reply = script.send(pipeline);
                return () -> {
                    var rest = reply.outcome();
                    if (rest.failure() != null) {
                        return rest;
                    }
                    @SuppressWarnings("unchecked")
                    var decided = (List<ClaimResult>) rest.result();
                    var merged = new ArrayList<>(results);
                    for (int j = 0; j < pending.size(); j++) {
                        merged.set(pending.get(j), decided.get(j));
                    }
                    return KeyOperation.Outcome.of(List.copyOf(merged));
                };
            }));
        }
    }

    /**
     * The claim script, one call per {@value RedisKeyStore#KEYS_PER_SCRIPT_CALL} keys: no single call holds Redis
     * (single-threaded) for longer than a few milliseconds.
     */
    private static PipelinedCommand scriptClaim(List<ClaimRequest> requests, List<byte[]> redisKeys,
                                                boolean scriptsPerSlot) {
        var groups = new java.util.LinkedHashMap<Integer, List<Integer>>(); // positions, by slot or all in one
        for (int at = 0; at < requests.size(); at++) {
            int group = scriptsPerSlot ? ClusterSlots.slotOf(redisKeys.get(at)) : 0;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(at);
        }
        var chunks = new ArrayList<List<Integer>>();
        for (var group : groups.values()) {
            for (int from = 0; from < group.size(); from += RedisKeyStore.KEYS_PER_SCRIPT_CALL) {
                chunks.add(group.subList(from, Math.min(group.size(), from + RedisKeyStore.KEYS_PER_SCRIPT_CALL)));
            }
        }
        var keys = new ArrayList<List<byte[]>>();
        var args = new ArrayList<List<byte[]>>();
        for (var chunk : chunks) {
            keys.add(chunk.stream().map(redisKeys::get).toList());
            args.add(ClaimScript.args(chunk.stream().map(requests::get).toList()));
        }
        return new PipelinedCommand(pipeline -> {
            var replies = new ArrayList<Response<Object>>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                replies.add(pipeline.evalsha(bytes(ClaimScript.SHA1), keys.get(i), args.get(i)));
            }
            return () -> read(() -> {
                var results = new ArrayList<ClaimResult>(java.util.Collections.nCopies(requests.size(), null));
                for (int i = 0; i < replies.size(); i++) {
                    var parsed = ClaimScript.parse(replies.get(i).get(), chunks.get(i).size());
                    for (int j = 0; j < parsed.size(); j++) {
                        results.set(chunks.get(i).get(j), parsed.get(j));
                    }
                }
                return results;
            });
        });
    }

    private static byte[] bytes(String sha1) {
        return sha1.getBytes(StandardCharsets.US_ASCII);
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
        } catch (JedisRedirectionException e) {
            return KeyOperation.Outcome.failed(new ClusterRedirectException("Redis Cluster redirect: " + e.getMessage(),
                    e));
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
