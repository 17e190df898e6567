package io.quondam.dedup;

import com.fasterxml.jackson.core.JsonPointer;
import io.quondam.config.Settings;
import io.quondam.store.KeyStore;
import io.quondam.store.RedisSettings;
import io.quondam.store.RedisSettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything the dedup-processor is told from outside, read from {@code QUONDAM_*} environment variables (or a
 * {@code --config} properties file) and validated at once. Defaults run against the local stack.
 *
 * @param duplicatesTopic the audit topic for dropped duplicates; empty when auditing is off
 * @param guardRetention how long the local guard store remembers a key; zero (the default) leaves it out
 * @param claimBatch the most records whose claims travel to Redis in one pipelined round trip; 1 claims each at once
 * @param claimLinger the longest a record waits for its batch to fill before its claim is sent anyway
 * @param pendingClaims how records waiting for their batch survive a commit: in a changelog, or drained before it
 * @param streamsOverrides Kafka Streams, consumer and producer properties given as {@code QUONDAM_STREAMS_*}
 */
public record ProcessorConfig(
        String bootstrapServers,
        String applicationId,
        String inputTopic,
        String outputTopic,
        String deadLetterTopic,
        String duplicatesTopic,
        KeySource keySource,
        JsonPointer keyPointer,
        String keyHeader,
        String namespace,
        Duration keyTtl,
        DurabilityMode durability,
        int minReplicas,
        Duration waitTimeout,
        TombstonePolicy tombstones,
        int maxValueBytes,
        Duration guardRetention,
        Duration redisOutageMaxBlock,
        int claimBatch,
        Duration claimLinger,
        PendingClaimsMode pendingClaims,
        int streamThreads,
        Duration commitInterval,
        Path stateDir,
        int replicationFactor,
        int httpPort,
        RedisSettings redis,
        Map<String, String> streamsOverrides) {

    public static final int MAX_KEY_BYTES = 255;
    /** The smallest producer limit accepted: a dead letter cut down to its reason and source always fits in it. */
    static final int MIN_OUTPUT_BYTES = 4096;
    /**
     * Kafka Streams properties that the processor sets from its own variables or that its guarantee depends on; a
     * {@code QUONDAM_STREAMS_*} value for one of them is refused rather than ignored.
     */
    static final Set<String> FIXED_STREAMS_PROPERTIES = Set.of("application.id", "bootstrap.servers",
            "processing.guarantee", "num.stream.threads", "commit.interval.ms", "state.dir", "replication.factor");

    public boolean auditDuplicates() {
        return !duplicatesTopic.isEmpty();
    }

    public boolean guardEnabled() {
        return !guardRetention.isZero();
    }

    /** The largest record the processor's producer sends, from {@code QUONDAM_STREAMS_*} or the producer default. */
    OutputLimit outputLimit() {
        return OutputLimit.of(streamsOverrides);
    }

    /** Reads and validates; throws {@link io.quondam.config.ConfigException} naming every problem. */
    public static ProcessorConfig from(Settings settings) {
        String inputTopic = settings.topic("QUONDAM_INPUT_TOPIC", "payments");
        String pointerText = settings.string("QUONDAM_KEY_JSON_POINTER", "/paymentId");
        JsonPointer pointer = JsonPointer.empty();
        try {
            pointer = JsonPointer.compile(pointerText);
        } catch (IllegalArgumentException e) {
            settings.problem("QUONDAM_KEY_JSON_POINTER=" + pointerText
                    + " is not a JSON pointer (example: /paymentId)");
        }
        var redis = RedisSettingsReader.read(settings);
        var config = new ProcessorConfig(
                String.join(",", settings.addresses("QUONDAM_BOOTSTRAP_SERVERS", "127.0.0.1:19092")),
                settings.nonEmpty("QUONDAM_APPLICATION_ID", "quondam-dedup"),
                inputTopic,
                settings.topic("QUONDAM_OUTPUT_TOPIC", "payments.dedup"),
                settings.topic("QUONDAM_DLQ_TOPIC", "payments.dlq"),
                settings.optionalTopic("QUONDAM_DUPLICATES_TOPIC"),
                settings.choice("QUONDAM_KEY_SOURCE", KeySource.JSON_POINTER, KeySource.class),
                pointer,
                settings.nonEmpty("QUONDAM_KEY_HEADER", "idempotency-key"),
                settings.nonEmpty("QUONDAM_NAMESPACE", inputTopic),
                settings.duration("QUONDAM_KEY_TTL", "24h", Duration.ofSeconds(1), Duration.ofDays(365)),
                settings.choice("QUONDAM_DURABILITY", DurabilityMode.PER_COMMIT, DurabilityMode.class),
                settings.integer("QUONDAM_MIN_REPLICAS", KeyStore.DEFAULT_MIN_REPLICAS, 0, 16),
                settings.duration("QUONDAM_WAIT_TIMEOUT", "1s", Duration.ofMillis(1), Duration.ofMinutes(1)),
                settings.choice("QUONDAM_TOMBSTONES", TombstonePolicy.DEAD_LETTER, TombstonePolicy.class),
                settings.integer("QUONDAM_MAX_VALUE_BYTES", 512 * 1024, 1, 8 * 1024 * 1024),
                settings.duration("QUONDAM_GUARD_RETENTION", "0s", Duration.ZERO, Duration.ofDays(30)),
                settings.duration("QUONDAM_REDIS_OUTAGE_MAX_BLOCK", "60s", Duration.ofSeconds(1),
                        Duration.ofMinutes(4)),
                settings.integer("QUONDAM_CLAIM_BATCH", 1000, 1, 5000),
                settings.duration("QUONDAM_CLAIM_LINGER", "50ms", Duration.ofMillis(1), Duration.ofSeconds(10)),
                settings.choice("QUONDAM_PENDING_CLAIMS", PendingClaimsMode.DRAIN, PendingClaimsMode.class),
                settings.integer("QUONDAM_STREAM_THREADS", 1, 1, 64),
                settings.duration("QUONDAM_COMMIT_INTERVAL", "100ms", Duration.ofMillis(1), Duration.ofMinutes(5)),
                settings.path("QUONDAM_STATE_DIR", System.getProperty("java.io.tmpdir") + "/quondam-streams"),
                settings.integer("QUONDAM_REPLICATION_FACTOR", -1, -1, 16),
                settings.integer("QUONDAM_HTTP_PORT", 8081, 0, 65535),
                redis,
                Map.copyOf(settings.passThrough("QUONDAM_STREAMS_")));
        if (config.durability() != DurabilityMode.NONE
                && config.waitTimeout().compareTo(redis.socketTimeout()) >= 0) {
            settings.problem("QUONDAM_WAIT_TIMEOUT (" + config.waitTimeout()
                    + ") must be shorter than QUONDAM_REDIS_SOCKET_TIMEOUT (" + redis.socketTimeout() + ")");
        }
        requireDistinctTopics(settings, config);
        requireRoomForDeadLetters(settings, config.streamsOverrides());
        settings.refuseFixed("QUONDAM_STREAMS_", config.streamsOverrides(), FIXED_STREAMS_PROPERTIES,
                "the processor's exactly-once design or set by its own QUONDAM_ variable");
        settings.validate();
        return config;
    }

    /** The producer's limit must be a number, and leave room for a dead letter's headers (up to about 1.5 KB). */
    private static void requireRoomForDeadLetters(Settings settings, Map<String, String> overrides) {
        try {
            int limit = OutputLimit.of(overrides).maxBytes();
            if (limit < MIN_OUTPUT_BYTES) {
                settings.problem("the producer's max.request.size and buffer.memory (QUONDAM_STREAMS_*) must be at"
                        + " least " + MIN_OUTPUT_BYTES + " bytes, so that every dead letter fits; found " + limit);
            }
        } catch (NumberFormatException e) {
            settings.problem("QUONDAM_STREAMS_[PRODUCER_]MAX_REQUEST_SIZE and QUONDAM_STREAMS_[PRODUCER_]BUFFER_MEMORY"
                    + " must be whole numbers of bytes: " + e.getMessage());
        }
    }

    /** A record must not go back to its input, and dead letters and duplicates must not mix with the output. */
    private static void requireDistinctTopics(Settings settings, ProcessorConfig config) {
        var topics = new LinkedHashMap<String, String>();
        topics.put("QUONDAM_INPUT_TOPIC", config.inputTopic());
        topics.put("QUONDAM_OUTPUT_TOPIC", config.outputTopic());
        topics.put("QUONDAM_DLQ_TOPIC", config.deadLetterTopic());
        topics.put("QUONDAM_DUPLICATES_TOPIC", config.duplicatesTopic());
        var seen = new LinkedHashMap<String, String>();
        topics.forEach((name, topic) -> {
            if (topic.isEmpty()) {
                return; // turned off, or already a problem of its own
            }
            String earlier = seen.putIfAbsent(topic, name);
            if (earlier != null) {
                settings.problem(name + " must differ from " + earlier + " (both are " + topic + ")");
            }
        });
    }
}
