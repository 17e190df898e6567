package io.quondam.store;

import java.time.Duration;
import java.util.Objects;

/** One key to claim: in which namespace, for which owner, for how long. Text must be well-formed Unicode. */
public record ClaimRequest(String namespace, String key, String owner, Duration ttl) {
    public ClaimRequest {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
        WellFormedText.require("the owner", owner);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        if (ttl.toMillis() == 0) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
    }
}
