package io.quondam.payments;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/** Exponential backoff with jitter between database attempts, asked "is it time?" rather than slept on. */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final LongSupplier nanoClock;
    private Duration current;
    private long nextAttemptNanos;
    private boolean waiting;

    Backoff(Duration initial, Duration max, LongSupplier nanoClock) {
        this.initial = initial;
        this.max = max;
        this.nanoClock = nanoClock;
        this.current = initial;
    }

    /** True when no failure is pending or its wait is over. */
    boolean due() {
        return !waiting || nanoClock.getAsLong() - nextAttemptNanos >= 0;
    }

    /** A failed attempt: the next one waits the current delay (plus up to 20 % jitter), and the delay doubles. */
    void failed() {
        long jitter = (long) (current.toNanos() * 0.2 * ThreadLocalRandom.current().nextDouble());
        nextAttemptNanos = nanoClock.getAsLong() + current.toNanos() + jitter;
        waiting = true;
        current = current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
    }

    /** A successful attempt: the next failure starts from the initial delay again. */
    void succeeded() {
        waiting = false;
        current = initial;
    }

    /** How long until the next attempt is due; zero when it is. */
    Duration remaining() {
        return due() ? Duration.ZERO : Duration.ofNanos(nextAttemptNanos - nanoClock.getAsLong());
    }
}
