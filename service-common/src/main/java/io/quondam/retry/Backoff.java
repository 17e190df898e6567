package io.quondam.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Exponential backoff between attempts at something that failed: the n-th failure in a row waits {@code initial}
 * doubled n-1 times, capped at {@code max}, and drawn at random from the upper half of that, so that many clients
 * that failed together do not retry in step. A caller either sleeps the delay {@link #failed()} returns, or keeps
 * working and asks {@link #due()}.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final LongSupplier nanoClock;
    private int failuresInARow;
    private long nextAttemptNanos;

    public Backoff(Duration initial, Duration max) {
        this(initial, max, System::nanoTime);
    }

    public Backoff(Duration initial, Duration max, LongSupplier nanoClock) {
        requireBounds(initial, max);
        this.initial = initial;
        this.max = max;
        this.nanoClock = nanoClock;
    }

    /** Refuses bounds that no backoff can keep: {@code 0 < initial <= max}. */
    public static void requireBounds(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, was " + initial + " and " + max);
        }
    }

    /** The delay after {@code failuresInARow} failures (at least 1) without a success between them. */
    public static Duration delay(Duration initial, Duration max, int failuresInARow) {
        if (failuresInARow < 1) {
            throw new IllegalArgumentException("failuresInARow must be at least 1, was " + failuresInARow);
        }
        long ceiling = initial.toNanos() << Math.min(failuresInARow - 1, 30);
        long capped = ceiling <= 0 || ceiling > max.toNanos() ? max.toNanos() : ceiling;
        return Duration.ofNanos(capped - ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** Records a failed attempt and returns how long to wait before the next one. */
    public Duration failed() {
        failuresInARow++;
        var wait = delay(initial, max, failuresInARow);
        nextAttemptNanos = nanoClock.getAsLong() + wait.toNanos();
        return wait;
    }

    /** Records a success: the next failure waits the initial delay again, and an attempt is due at once. */
    public void succeeded() {
        failuresInARow = 0;
    }

    /** True when nothing has failed since the last success, or the wait after the last failure is over. */
    public boolean due() {
        return failuresInARow == 0 || nanoClock.getAsLong() - nextAttemptNanos >= 0;
    }

    /** How long until the next attempt is due; zero when it is. */
    public Duration remaining() {
        return due() ? Duration.ZERO : Duration.ofNanos(nextAttemptNanos - nanoClock.getAsLong());
    }
}
