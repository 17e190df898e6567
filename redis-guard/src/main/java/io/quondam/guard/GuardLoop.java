package io.quondam.guard;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a {@link ReplicaGuard} every {@code interval} on its own daemon thread until closed. */
public final class GuardLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GuardLoop.class);

    private final ReplicaGuard guard;
    private final ScheduledExecutorService timer;
    private final AtomicReference<Optional<ReplicaGuard.Decision>> latest = new AtomicReference<>(Optional.empty());

    private GuardLoop(ReplicaGuard guard, Duration interval) {
        this.guard = guard;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, guard.toString());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::look, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static GuardLoop start(ReplicaGuard guard, Duration interval) {
        return new GuardLoop(guard, interval);
    }

    /** The decision of the last look, empty while the node does not answer. */
    public Optional<ReplicaGuard.Decision> latest() {
        return latest.get();
    }

    private void look() {
        try {
            latest.set(guard.check());
        } catch (RuntimeException e) {
            // A bug must not stop the loop: the node would keep whatever priority it has.
            latest.set(Optional.empty());
            log.error("{} failed; looking again", guard, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.close();
    }
}
