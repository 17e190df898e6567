package io.quondam.payments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The ledger's counters, incremented only after the database commit of their batch, so they match the tables
 * (since this process started).
 */
public final class LedgerMetrics {

    private final Counter booked;
    private final Counter leakedDuplicates;
    private final Counter quarantined;
    private final Counter redelivered;
    private final Counter dbFailures;
    private final Timer batches;

    public LedgerMetrics(MeterRegistry registry) {
        booked = Counter.builder("quondam.ledger.booked")
                .description("Payments booked into the ledger").register(registry);
        leakedDuplicates = Counter.builder("quondam.ledger.leaked_duplicates")
                .description("Second records of a booked payment from other source coordinates; never booked")
                .register(registry);
        quarantined = Counter.builder("quondam.ledger.quarantined")
                .description("Records that could not be booked, kept in the quarantine table").register(registry);
        redelivered = Counter.builder("quondam.ledger.redelivered")
                .description("Records delivered again from the same coordinates (should stay 0: offsets are stored)")
                .register(registry);
        dbFailures = Counter.builder("quondam.ledger.db_failures")
                .description("Failed database attempts; consumption pauses and retries with backoff")
                .register(registry);
        batches = Timer.builder("quondam.ledger.batch")
                .description("Database transactions, one per poll batch")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    public void committed(LedgerWriter.BatchResult result, long nanos) {
        booked.increment(result.booked());
        leakedDuplicates.increment(result.leakedDuplicates());
        quarantined.increment(result.quarantined());
        redelivered.increment(result.redelivered());
        batches.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void dbFailure() {
        dbFailures.increment();
    }
}
