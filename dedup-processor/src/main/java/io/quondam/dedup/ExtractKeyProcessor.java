package io.quondam.dedup;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First node after the source: finds each record's idempotency key and passes it on to the claim node, or sends
 * the record to the dead-letter topic with the reason. Never throws for bad input.
 */
final class ExtractKeyProcessor implements Processor<byte[], byte[], byte[], Object> {
    private final IdempotencyKeyExtractor extractor;
    private final TombstonePolicy tombstones;
    private final DedupMetrics metrics;
    private final OutputLimit limit;
    private ProcessorContext<byte[], Object> context;

    ExtractKeyProcessor(ProcessorConfig config, DedupMetrics metrics) {
        this.extractor = new IdempotencyKeyExtractor(config);
        this.tombstones = config.tombstones();
        this.metrics = metrics;
        this.limit = config.outputLimit();
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            if (record.value() == null) {
                if (tombstones == TombstonePolicy.FORWARD && limit.fits(record)) {
                    metrics.record(DedupMetrics.Outcome.FORWARDED);
                    context.forward(record, DedupTopology.DEDUPLICATED_SINK);
                    return;
                }
                throw new BadRecordException(BadRecordReason.TOMBSTONE, "record has a null value (tombstone)"
                        + (tombstones == TombstonePolicy.FORWARD ? " and headers too large to forward" : ""));
            }
            String key = extractor.extract(record.key(), record.value(), record.headers());
            context.forward(record.withValue(new ExtractedRecord(key, record.value())), DedupTopology.CLAIM_NODE);
        } catch (BadRecordException e) {
            metrics.record(DedupMetrics.Outcome.DEAD_LETTER);
            context.forward(DeadLetters.of(record, e, DeadLetters.Source.of(context.recordMetadata().orElseThrow()),
                    limit), DedupTopology.DEAD_LETTER_SINK);
        }
    }
}
