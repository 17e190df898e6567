package io.quondam.testdata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning to its last stable offsets with {@code read_committed}, as a downstream consumer
 * sees it, and counts the payments in it. Aborted records and transaction markers are not counted.
 */
public final class CommittedRecords {
    /** Records whose value has no paymentId are counted under this name. */
    public static final String UNPARSABLE = "<unparsable>";
    private static final Pattern PAYMENT_ID = Pattern.compile("\"paymentId\"\\s*:\\s*\"([^\"]*)\"");

    private CommittedRecords() {
    }

    /** How often each paymentId appears in the committed records of {@code topic}. */
    public static Map<String, Integer> paymentIds(String bootstrap, String topic, Duration timeout) {
        var counts = new HashMap<String, Integer>();
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "quondam-verify-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // read_committed: last stable offsets
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(paymentIdOf(record.value()), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** The number of committed records in {@code topic}. */
    public static long count(String bootstrap, String topic, Duration timeout) {
        return paymentIds(bootstrap, topic, timeout).values().stream().mapToLong(Integer::longValue).sum();
    }

    static String paymentIdOf(byte[] value) {
        if (value == null) {
            return UNPARSABLE;
        }
        var matcher = PAYMENT_ID.matcher(new String(value, StandardCharsets.UTF_8));
        return matcher.find() ? matcher.group(1) : UNPARSABLE;
    }
}
