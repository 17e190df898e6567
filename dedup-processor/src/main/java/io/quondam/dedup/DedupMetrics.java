package io.quondam.dedup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The processor's counters: {@code quondam.records{outcome}} for every input record, plus the waits caused by Redis.
 * Counts include work that a later transaction abort undoes; the topics are the exact record.
 */
public final class DedupMetrics {

    /** What happened to one input record. */
    public enum Outcome { FORWARDED, REPLAYED, DUPLICATE, DEAD_LETTER }

    private final Map<Outcome, Counter> records = new EnumMap<>(Outcome.class);
    private final Counter guardHits;
    private final Counter redisWaits;
    private final Counter barrierFailures;
    private final DistributionSummary batchSizes;

    public DedupMetrics(MeterRegistry registry) {
        for (var outcome : Outcome.values()) {
            records.put(outcome, Counter.builder("quondam.records")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Input records by outcome").register(registry));
        }
        guardHits = Counter.builder("quondam.guard.hits")
                .description("Duplicates caught by the local guard store without asking Redis").register(registry);
        redisWaits = Counter.builder("quondam.redis.unavailable")
                .description("Claims that had to wait because Redis was unavailable or replication was short")
                .register(registry);
        barrierFailures = Counter.builder("quondam.barrier.failures")
                .description("Commits refused because claims were not confirmed by WAIT").register(registry);
        batchSizes = DistributionSummary.builder("quondam.claim.batch")
                .description("Records whose claims travelled to Redis in one pipelined round trip").register(registry);
    }

    public void record(Outcome outcome) {
        records.get(outcome).increment();
    }

    public void guardHit() {
        guardHits.increment();
    }

    public void redisWait() {
        redisWaits.increment();
    }

    public void batch(int records) {
        batchSizes.record(records);
    }

    public void barrierFailure() {
        barrierFailures.increment();
    }
}
