package io.quondam.dedup;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether the application is shutting down, and whether Redis has already failed a claim since then. While shutting
 * down, each task claims its partial batch before its last commit; after one such claim found Redis unavailable, the
 * others give up at once instead of each waiting out its retries, so that a SIGTERM during an outage is quick.
 */
final class ShutdownSignal {
    private final BooleanSupplier stopping;
    private final AtomicBoolean redisFailedWhileStopping = new AtomicBoolean();

    ShutdownSignal(BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    boolean stopping() {
        return stopping.getAsBoolean();
    }

    /** Records a claim that found Redis unavailable; true when the application is shutting down. */
    boolean redisFailed() {
        if (!stopping()) {
            return false;
        }
        redisFailedWhileStopping.set(true);
        return true;
    }

    /** True once the application is shutting down and a claim has found Redis unavailable since. */
    boolean givingUpOnRedis() {
        return redisFailedWhileStopping.get() && stopping();
    }
}
