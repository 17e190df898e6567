package io.quondam.testdata;

import io.quondam.stack.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Drives the real pipeline from the outside: produces input, waits for the processor, reads what it committed. */
public final class Pipeline implements AutoCloseable {
    private final String bootstrap;
    private final Admin admin;

    public Pipeline(String bootstrap) {
        this.bootstrap = bootstrap;
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    /** Produces the events at about {@code perSecond} records a second, in the background. */
    public CompletableFuture<Void> produce(String topic, List<PaymentEvents.Event> events, int perSecond,
                                    AtomicInteger sent) {
        return CompletableFuture.runAsync(() -> {
            var props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                long start = System.nanoTime();
                for (var event : events) {
                    producer.send(new ProducerRecord<>(topic, event.recordKey(), event.value()));
                    int count = sent.incrementAndGet();
                    long due = start + (long) (count * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 1_000_000) {
                        producer.flush();
                        sleepNanos(wait);
                    }
                }
                producer.flush();
            }
        });
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the application's committed offsets reach the end of every input partition. */
    public void awaitCaughtUp(String applicationId, String inputTopic, Duration timeout) {
        Await.until(timeout, () -> lag(applicationId, inputTopic) == 0,
                applicationId + " to commit the whole of " + inputTopic);
    }

    public long lag(String applicationId, String inputTopic) {
        try {
            var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
            var ends = endOffsets(inputTopic);
            long lag = 0;
            for (var end : ends.entrySet()) {
                var offset = committed.get(end.getKey());
                lag += end.getValue() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        } catch (Exception e) {
            return Long.MAX_VALUE; // the group may not exist yet
        }
    }

    /** The sum of the application's committed offsets on {@code inputTopic}; -1 while they cannot be read. */
    public long committed(String applicationId, String inputTopic) {
        try {
            var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
            return committed.entrySet().stream().filter(entry -> entry.getKey().topic().equals(inputTopic))
                    .mapToLong(entry -> entry.getValue().offset()).sum();
        } catch (Exception e) {
            return -1; // the group may not exist yet, or the broker is down
        }
    }

    public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        var request = new HashMap<TopicPartition, OffsetSpec>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var result = new HashMap<TopicPartition, Long>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    /** How often each paymentId appears in the committed records of {@code topic} (read_committed). */
    public Map<String, Integer> committedPaymentIds(String topic) {
        return CommittedRecords.paymentIds(bootstrap, topic, Duration.ofSeconds(60));
    }

    /** Committed records in {@code topic} right now (read_committed). */
    public int committedCount(String topic) {
        return committedPaymentIds(topic).values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void close() {
        admin.close();
    }
}
