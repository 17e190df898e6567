package io.quondam.stack;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the one way the stack and its tests wait. */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Polls {@code condition} every 100 ms until it returns true. An exception from the condition is not
     * swallowed: conditions return false for "not yet" and throw for "never" (for example, a process exited).
     *
     * @throws AwaitTimeoutException if the condition still fails when {@code timeout} has passed
     */
    public static void until(Duration timeout, BooleanSupplier condition, String description) {
        untilPresent(timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(),
                description);
    }

    /** Polls {@code probe} until it yields a value and returns it; same rules as {@link #until}. */
    public static <T> T untilPresent(Duration timeout, Supplier<Optional<T>> probe, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AwaitTimeoutException(description, timeout);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** The condition did not hold before the deadline. */
    public static final class AwaitTimeoutException extends RuntimeException {
        AwaitTimeoutException(String description, Duration timeout) {
            super("timed out after " + timeout.toMillis() + " ms waiting for " + description);
        }
    }
}
