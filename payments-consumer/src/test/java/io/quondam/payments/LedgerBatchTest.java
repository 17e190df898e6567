package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LedgerBatchTest {

    private static final TopicPartition P0 = new TopicPartition("payments.dedup", 0);
    private static final TopicPartition P1 = new TopicPartition("payments.dedup", 1);

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, String value) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String payment(String id) {
        return "{\"paymentId\":\"" + id + "\",\"account\":\"a\",\"amountMinor\":5,\"currency\":\"EUR\","
                + "\"createdAt\":\"2026-11-26T10:00:00Z\"}";
    }

    @Test
    void shouldAdvanceEachPartitionPastItsLastRecordOrToThePositionBeyondIt() {
        var records = new ConsumerRecords<>(Map.of(
                P0, List.of(record(P0, 4, payment("a")), record(P0, 5, payment("b"))),
                P1, List.of(record(P1, 10, "not json"))), Map.of());
        // Partition 1's position lies past a transaction marker after offset 10.
        Map<TopicPartition, Long> positions = Map.of(P0, 6L, P1, 12L);

        var batch = LedgerBatch.of(records, new PaymentParser(), positions::get);

        assertThat(batch.nextOffsets()).isEqualTo(Map.of(P0, 6L, P1, 12L));
        assertThat(batch.entries()).extracting(entry -> entry.source().toString())
                .containsExactlyInAnyOrder("payments.dedup-0@4", "payments.dedup-0@5", "payments.dedup-1@10");
        assertThat(batch.entries()).filteredOn(entry -> entry.parsed() instanceof ParsedRecord.Malformed)
                .extracting(entry -> entry.source().offset()).containsExactly(10L);
    }

    @Test
    void shouldSplitIntoSingleRecordBatchesThatAdvanceJustPastTheirRecord() {
        var records = new ConsumerRecords<>(Map.of(
                P0, List.of(record(P0, 4, payment("a")), record(P0, 5, null))), Map.of());
        var batch = LedgerBatch.of(records, new PaymentParser(), partition -> 6L);

        var singles = batch.perRecord();

        assertThat(singles).extracting(LedgerBatch::nextOffsets).containsExactly(Map.of(P0, 5L), Map.of(P0, 6L));
        assertThat(singles.get(1).entries().get(0).rejected("SQLSTATE 22021").parsed())
                .isEqualTo(new ParsedRecord.Malformed(QuarantineReason.REJECTED_BY_DATABASE, "SQLSTATE 22021"));
    }
}
