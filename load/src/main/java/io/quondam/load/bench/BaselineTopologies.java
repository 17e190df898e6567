package io.quondam.load.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/** The two Kafka Streams designs the benchmark compares Quondam with: no deduplication, and a local window store. */
final class BaselineTopologies {
    private static final String WINDOW_STORE = "dedup-window";
    private static final Duration RETENTION = Duration.ofHours(1);

    private BaselineTopologies() {
    }

    /** Copies every record: the ceiling of any exactly_once_v2 application on this broker. */
    static Topology passThrough(String input, String output) {
        var topology = new Topology();
        topology.addSource("input", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), input);
        topology.addSink("output", output, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "input");
        return topology;
    }

    /**
     * The classic same-partition design: a changelogged RocksDB window store of the payment ids seen in the last
     * hour. It needs no Redis, and misses every duplicate that lands on another partition.
     */
    static Topology windowStoreDedup(String input, String output) {
        var topology = new Topology();
        topology.addSource("input", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), input);
        topology.addProcessor("dedup", WindowDedup::new, "input");
        topology.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(WINDOW_STORE, RETENTION, RETENTION, false),
                Serdes.String(), Serdes.Long()), "dedup");
        topology.addSink("output", output, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "dedup");
        return topology;
    }

    private static final class WindowDedup implements Processor<byte[], byte[], byte[], byte[]> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private ProcessorContext<byte[], byte[]> context;
        private WindowStore<String, Long> seen;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.seen = context.getStateStore(WINDOW_STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String id = paymentId(record.value());
            if (id == null) {
                return; // the benchmark's input has no malformed records
            }
            long now = record.timestamp();
            try (var earlier = seen.fetch(id, Instant.ofEpochMilli(now).minus(RETENTION),
                    Instant.ofEpochMilli(now).plus(RETENTION))) {
                if (earlier.hasNext()) {
                    return;
                }
            }
            seen.put(id, context.recordMetadata().map(m -> m.offset()).orElse(-1L), now);
            context.forward(record);
        }

        private static String paymentId(byte[] value) {
            try {
                var node = JSON.readTree(value).get("paymentId");
                return node == null || !node.isTextual() ? null : node.asText();
            } catch (IOException e) {
                return null;
            }
        }
    }
}
