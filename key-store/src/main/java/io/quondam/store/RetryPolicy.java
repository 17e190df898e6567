package io.quondam.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How often and how patiently a Redis call is retried before the store reports itself unavailable. */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** Exponential backoff with full jitter in its upper half, so that many clients do not retry in step. */
    Duration backoff(int failedAttempts) {
        long base = initialBackoff.toMillis() << Math.min(failedAttempts - 1, 16);
        long capped = Math.min(Math.max(base, 1), maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
