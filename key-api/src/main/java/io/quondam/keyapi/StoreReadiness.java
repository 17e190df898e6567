package io.quondam.keyapi;

import io.quondam.store.KeyStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether the key store answered a read recently. A background thread asks once per interval, so that
 * {@code /health/ready} answers at once even while Redis hangs (a probe with a 1 s timeout must not wait for the
 * store's retries) and turns unready within {@code staleAfter} of the last answer.
 */
final class StoreReadiness implements AutoCloseable {
    private final KeyStore store;
    private final Duration staleAfter;
    private final ScheduledExecutorService checker;
    private volatile long lastAnsweredNanos;
    private volatile boolean everAnswered;

    StoreReadiness(KeyStore store, Duration interval, Duration staleAfter) {
        this.store = store;
        this.staleAfter = staleAfter;
        check(); // the first answer is known before the app serves its first probe
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "quondam-readiness");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            store.status("quondam-health", "ready");
            lastAnsweredNanos = System.nanoTime();
            everAnswered = true;
        } catch (RuntimeException e) {
            // Unready once the last answer is older than staleAfter; the store already logged why.
        }
    }

    boolean ready() {
        return everAnswered && System.nanoTime() - lastAnsweredNanos < staleAfter.toNanos();
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
