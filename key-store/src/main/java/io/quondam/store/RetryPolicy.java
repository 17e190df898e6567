package io.quondam.store;

import io.quondam.retry.Backoff;
import java.time.Duration;

/** How often and how patiently a Redis call is retried before the store reports itself unavailable. */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Backoff.requireBounds(initialBackoff, maxBackoff);
    }

    /** The wait after {@code failedAttempts} failures in a row. */
    Duration backoff(int failedAttempts) {
        return Backoff.delay(initialBackoff, maxBackoff, failedAttempts);
    }
}
