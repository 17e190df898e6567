package io.quondam.keyapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quondam.store.CompleteResult;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyState;
import io.quondam.store.ClaimRequest;
import io.quondam.store.KeyOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The idempotency-key operations of the API, from validated input to an HTTP status and body; no HTTP types. */
final class KeyService {
    static final String LEGACY_OWNER = "legacy";
    /**
     * Legacy shards live in their own namespaces: {@code legacy:<shard>} without auth, {@code legacy@<tenant>:<shard>}
     * with it. Neither ':' nor '@' can occur in a tenant name, so they never meet tenants' keys or each other.
     */
    private static final String LEGACY_PREFIX = "legacy:";
    private static final int MAX_OWNER_BYTES = 255;
    private static final int MAX_FINGERPRINT_BYTES = 512;

    /** What to answer: a status and a JSON body (null for none). */
    record Answer(int status, Map<String, Object> body) {
    }

    private final KeyOperations store;
    private final CompletionWaits waits;
    private final KeyApiConfig config;
    private final MeterRegistry registry;
    private final Clock clock;

    KeyService(KeyOperations store, CompletionWaits waits, KeyApiConfig config, MeterRegistry registry, Clock clock) {
        this.store = store;
        this.waits = waits;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * A claim; when the key is in progress for another owner and {@code wait} is positive ({@code Prefer: wait}), the
     * answer waits (up to {@code wait}) for the key to be completed, released or expired.
     */
    CompletableFuture<Answer> claim(String tenant, String key, JsonNode body, Duration wait) {
        String owner = Optional.ofNullable(JsonBodies.text(body, "owner"))
                .orElseGet(() -> UUID.randomUUID().toString());
        checkLength("owner", owner, MAX_OWNER_BYTES);
        var fingerprint = Optional.ofNullable(JsonBodies.text(body, "fingerprint"));
        fingerprint.ifPresent(f -> checkLength("fingerprint", f, MAX_FINGERPRINT_BYTES));
        var ttl = ttl(body);

        var operation = new KeyOperation.ClaimKey(tenant, key, owner, ttl, fingerprint);
        return store.submit(operation)
                .thenCompose(claim -> claim instanceof KeyClaim.InProgress busy && !wait.isZero()
                        ? waits.await(operation, busy, wait) : CompletableFuture.completedFuture(claim))
                .thenApply(claim -> claimAnswer(key, fingerprint, claim));
    }

    private Answer claimAnswer(String key, Optional<String> fingerprint, KeyClaim claim) {
        if (claim instanceof KeyClaim.Claimed claimed) {
            count("claimed");
            return new Answer(201, keyBody(key, KeyState.IN_PROGRESS, claimed.owner(), claimed.expiresIn()));
        }
        if (claim instanceof KeyClaim.AlreadyOwned owned) {
            count("retried");
            return new Answer(200, keyBody(key, KeyState.IN_PROGRESS, owned.owner(), owned.expiresIn()));
        }
        if (claim instanceof KeyClaim.InProgress) {
            count("in_progress");
            throw ApiProblem.conflict("the key is held by another request that has not completed yet");
        }
        var completed = (KeyClaim.Completed) claim;
        if (fingerprint.isPresent() && completed.fingerprint().isPresent()
                && !fingerprint.get().equals(completed.fingerprint().get())) {
            count("fingerprint_mismatch");
            throw ApiProblem.unprocessable("the key was used for a request with a different payload fingerprint");
        }
        count("completed_replay");
        var answer = keyBody(key, KeyState.COMPLETED, completed.owner(), completed.expiresIn());
        answer.put("response", JsonBodies.parseStored(completed.response()));
        return new Answer(200, answer);
    }

    CompletableFuture<Answer> complete(String tenant, String key, JsonNode body) {
        String owner = JsonBodies.text(body, "owner");
        if (owner == null) {
            throw ApiProblem.badRequest("'owner' is required: the owner that claimed the key");
        }
        if (!body.has("response")) {
            throw ApiProblem.badRequest("'response' is required: any JSON value to replay to retried requests");
        }
        var fingerprint = Optional.ofNullable(JsonBodies.text(body, "fingerprint"));
        String response = JsonBodies.write(JsonBodies.any(body, "response"));
        return store.submit(new KeyOperation.Complete(tenant, key, owner, response, fingerprint))
                .thenApply(result -> completeAnswer(key, owner, result));
    }

    private static Answer completeAnswer(String key, String owner, CompleteResult result) {
        if (result instanceof CompleteResult.NotFound) {
            throw ApiProblem.notFound("the key is not claimed (never, released or expired)");
        }
        if (result instanceof CompleteResult.NotOwner) {
            throw ApiProblem.conflict("the key is held by another owner");
        }
        if (result instanceof CompleteResult.CompletedDifferently) {
            throw ApiProblem.conflict("the key is already completed with another response or fingerprint;"
                    + " retried requests replay the first one");
        }
        var answer = new LinkedHashMap<String, Object>();
        answer.put("key", key);
        answer.put("status", KeyState.COMPLETED.name());
        answer.put("owner", owner);
        return new Answer(200, answer);
    }

    CompletableFuture<Answer> status(String tenant, String key) {
        return store.submit(new KeyOperation.Status(tenant, key)).thenApply(found -> {
            var status = found.orElseThrow(
                    () -> ApiProblem.notFound("the key is not claimed (never, released or expired)"));
            var answer = keyBody(key, status.state(), status.owner(), status.expiresIn());
            status.response().ifPresent(r -> answer.put("response", JsonBodies.parseStored(r)));
            return new Answer(200, answer);
        });
    }

    CompletableFuture<Answer> release(String tenant, String key) {
        return store.submit(new KeyOperation.Release(tenant, key)).thenApply(released -> {
            if (!released) {
                throw ApiProblem.notFound("the key is not claimed (never, released or expired)");
            }
            return new Answer(204, null);
        });
    }

    /** Legacy {@code PUT /keys}: registers a key of a shard; registering it again changes nothing. */
    CompletableFuture<Answer> legacyRegister(Optional<String> tenant, JsonNode body) {
        var legacy = legacyKey(tenant, body);
        var claim = new ClaimRequest(legacy.namespace(), legacy.key(), LEGACY_OWNER, config.defaultTtl());
        return store.submit(new KeyOperation.Claim(List.of(claim))).thenApply(claimed -> {
            var answer = new LinkedHashMap<String, Object>();
            answer.put("shard", legacy.shard());
            answer.put("key", legacy.key());
            return new Answer(201, answer);
        });
    }

    /** Legacy {@code DELETE /keys}: consumes a registered key; true only for the call that consumed it. */
    CompletableFuture<Answer> legacyConsume(Optional<String> tenant, JsonNode body) {
        var legacy = legacyKey(tenant, body);
        return store.submit(new KeyOperation.Release(legacy.namespace(), legacy.key()))
                .thenApply(consumed -> new Answer(200, new LinkedHashMap<>(Map.of("claimed", consumed))));
    }

    private record LegacyKey(Optional<String> tenant, String shard, String key) {
        String namespace() {
            return tenant.map(t -> "legacy@" + t + ":" + shard).orElse(LEGACY_PREFIX + shard);
        }
    }

    private static LegacyKey legacyKey(Optional<String> tenant, JsonNode body) {
        String shard = JsonBodies.text(body, "shard");
        String key = JsonBodies.text(body, "key");
        if (shard == null || key == null) {
            throw ApiProblem.badRequest("'shard' and 'key' are required strings");
        }
        return new LegacyKey(tenant, IdempotencyKeys.validate(shard), IdempotencyKeys.validate(key));
    }

    private Duration ttl(JsonNode body) {
        JsonNode value = body.get("ttlSeconds");
        if (value == null || value.isNull()) {
            return config.defaultTtl();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiProblem.badRequest("'ttlSeconds' must be a whole number of seconds");
        }
        long seconds = value.asLong();
        if (seconds <= 0 || seconds > config.maxTtl().toSeconds()) {
            throw ApiProblem.badRequest("'ttlSeconds' must be between 1 and " + config.maxTtl().toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    private static void checkLength(String field, String value, int maxBytes) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > maxBytes) {
            throw ApiProblem.badRequest("'" + field + "' must be 1 to " + maxBytes + " bytes");
        }
    }

    private LinkedHashMap<String, Object> keyBody(String key, KeyState state, String owner, Duration expiresIn) {
        var body = new LinkedHashMap<String, Object>();
        body.put("key", key);
        body.put("status", state.name());
        body.put("owner", owner);
        body.put("expiresAt", Instant.now(clock).plus(expiresIn).truncatedTo(ChronoUnit.MILLIS).toString());
        return body;
    }

    private void count(String outcome) {
        Counter.builder("quondam.api.claims").tag("outcome", outcome)
                .description("Claims answered by the key API, by outcome").register(registry).increment();
    }
}
