package io.quondam.payments.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes payment records to a topic in Kafka transactions, as the dedup-processor does. A transaction that fails is
 * retried by a new producer with the same transactional id, whose start aborts the failed one: right after a topic
 * is created, the broker may refuse the first transactional produce with a fatal InvalidTxnStateException.
 */
final class PaymentProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PaymentProducer.class);
    private static final int RECORDS_PER_TRANSACTION = 250;
    private static final int ATTEMPTS = 3;

    private final Properties props = new Properties();
    private KafkaProducer<byte[], byte[]> producer;

    PaymentProducer(String bootstrapServers) {
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ledger-it-" + UUID.randomUUID());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = newProducer();
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        var created = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        created.initTransactions();
        return created;
    }

    static String payment(String paymentId, long amountMinor, String currency) {
        return "{\"paymentId\":\"" + paymentId + "\",\"account\":\"acc-" + (paymentId.hashCode() & 7)
                + "\",\"amountMinor\":" + amountMinor + ",\"currency\":\"" + currency
                + "\",\"createdAt\":\"2026-11-26T10:00:00Z\"}";
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Payments {@code prefix-0 .. prefix-(count-1)}, keyed by their id, amounts 1..count minor units of EUR. */
    static List<ProducerRecord<byte[], byte[]>> payments(String topic, String prefix, int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> record(topic, prefix + "-" + i, payment(prefix + "-" + i, i + 1, "EUR")))
                .toList();
    }

    /** Sends the records in committed transactions of 250. */
    void sendCommitted(List<ProducerRecord<byte[], byte[]>> records) {
        for (int start = 0; start < records.size(); start += RECORDS_PER_TRANSACTION) {
            var chunk = records.subList(start, Math.min(records.size(), start + RECORDS_PER_TRANSACTION));
            for (int attempt = 1; ; attempt++) {
                try {
                    producer.beginTransaction();
                    chunk.forEach(producer::send);
                    producer.commitTransaction();
                    break;
                } catch (KafkaException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    LOG.warn("Transaction failed ({}); retrying with a new producer", e.toString());
                    producer.close(Duration.ZERO);
                    producer = newProducer();
                }
            }
        }
    }

    /** Sends the records in one transaction that is then aborted: a read_committed consumer never sees them. */
    void sendAborted(List<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.flush();
        producer.abortTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}
