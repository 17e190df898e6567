package io.quondam.payments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll, parsed, and the offset each of their partitions reaches: what one database transaction
 * books.
 *
 * @param nextOffsets per partition, the offset to resume from once this batch is committed
 */
public record LedgerBatch(List<Entry> entries, Map<TopicPartition, Long> nextOffsets) {

    public LedgerBatch {
        entries = List.copyOf(entries);
        nextOffsets = Map.copyOf(nextOffsets);
    }

    /** One delivered record with its parse result; key and value are kept for the quarantine table. */
    public record Entry(SourceCoordinates source, byte[] key, byte[] value, ParsedRecord parsed) {

        /** The same record, marked as refused by the database. */
        public Entry rejected(String detail) {
            return new Entry(source, key, value, new ParsedRecord.Malformed(QuarantineReason.REJECTED_BY_DATABASE,
                    detail));
        }
    }

    /**
     * Parses {@code records}; {@code position} gives the consumer's position per partition, which lies past the last
     * record when transaction markers or aborted records follow it, so those are not read again after a restart.
     */
    public static LedgerBatch of(ConsumerRecords<byte[], byte[]> records, PaymentParser parser,
                                 ToLongFunction<TopicPartition> position) {
        var entries = new ArrayList<Entry>(records.count());
        var nextOffsets = new LinkedHashMap<TopicPartition, Long>();
        for (TopicPartition partition : records.partitions()) {
            long next = 0;
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                entries.add(new Entry(new SourceCoordinates(record.topic(), record.partition(), record.offset()),
                        record.key(), record.value(), parser.parse(record.value())));
                next = record.offset() + 1;
            }
            nextOffsets.put(partition, Math.max(next, position.applyAsLong(partition)));
        }
        return new LedgerBatch(entries, nextOffsets);
    }

    /** A batch of one entry that advances its partition to just past it; for booking record by record. */
    public static LedgerBatch single(Entry entry) {
        var source = entry.source();
        return new LedgerBatch(List.of(entry),
                Map.of(new TopicPartition(source.topic(), source.partition()), source.offset() + 1));
    }

    /** One batch per entry, each advancing its partition just past its own record. */
    public List<LedgerBatch> perRecord() {
        var singles = new ArrayList<LedgerBatch>(entries.size());
        entries.forEach(entry -> singles.add(single(entry)));
        return singles;
    }
}
