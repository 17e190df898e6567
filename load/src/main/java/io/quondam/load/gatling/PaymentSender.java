package io.quondam.load.gatling;

import io.quondam.load.Manifest;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the planned records with one idempotent producer ({@code acks=all}) and keeps the manifest of what the broker
 * acknowledged: the verifier then expects exactly those payments in the ledger, once each.
 */
public final class PaymentSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Set<String> acknowledgedPayments = ConcurrentHashMap.newKeySet();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong acknowledgedResends = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public PaymentSender(String bootstrap, String topic) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // send() runs on a Gatling event loop: it must not wait long for buffer space or metadata.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Partitions of the topic; fetching them also warms the producer's metadata before the first timed send. */
    public int partitions() {
        return producer.partitionsFor(topic).size();
    }

    /** Sends one record; the stage completes when the broker acknowledged it (or the send failed). */
    public CompletableFuture<RecordMetadata> send(DuplicatePlanner.Send send, boolean resend) {
        var done = new CompletableFuture<RecordMetadata>();
        try {
            producer.send(new ProducerRecord<>(topic, send.recordKey(), send.value()), (metadata, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                    done.completeExceptionally(error);
                    return;
                }
                acknowledgedPayments.add(send.paymentId());
                acknowledged.incrementAndGet();
                if (resend) {
                    acknowledgedResends.incrementAndGet();
                }
                done.complete(metadata);
            });
        } catch (RuntimeException e) {
            // no buffer space or metadata within max.block.ms: the record was never handed to the producer
            failed.incrementAndGet();
            done.completeExceptionally(e);
        }
        return done;
    }

    public long failed() {
        return failed.get();
    }

    /**
     * What the broker acknowledged. A failed send may still have been written (a timeout is no proof of absence), so a
     * run with failed sends can show the verifier more than it expects; the run reports failed sends separately.
     */
    public Manifest manifest(long seed) {
        return new Manifest(acknowledged.get(), acknowledgedResends.get(), 0, seed, Set.copyOf(acknowledgedPayments));
    }

    @Override
    public void close() {
        producer.close();
    }
}
