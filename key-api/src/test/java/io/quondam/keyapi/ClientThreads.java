package io.quondam.keyapi;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Client threads that each run their own loop until stopped: the traffic of the key-api's failover tests. */
final class ClientThreads {
    /** One client's loop: it runs while {@code running} says so. */
    interface Loop {
        void run(int clientId, BooleanSupplier running);
    }

    private final String name;
    private final int clients;
    private final Duration stopWithin;
    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);

    ClientThreads(String name, int clients, Duration stopWithin) {
        this.name = name;
        this.clients = clients;
        this.stopWithin = stopWithin;
        this.threads = Executors.newFixedThreadPool(clients);
    }

    void start(Loop loop) {
        for (int c = 0; c < clients; c++) {
            int clientId = c;
            threads.submit(() -> loop.run(clientId, running::get));
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        if (!threads.awaitTermination(stopWithin.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not stop within " + stopWithin);
        }
    }
}
