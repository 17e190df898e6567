package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.store.ClaimRequest;
import io.quondam.store.ClaimResult;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyStore;
import io.quondam.store.ForwardingKeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DedupTopologyTest {
    private static final Duration DAY = Duration.ofDays(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryKeyStore keyStore = new InMemoryKeyStore();
    @TempDir
    Path stateDir;
    private int drivers;
    private TopologyTestDriver driver;
    private boolean stopping;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> deduplicated;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<byte[], byte[]> duplicates;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(ProcessorConfig config) {
        start(config, keyStore);
    }

    private void start(ProcessorConfig config, KeyStore store) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-topology-test");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("driver-" + drivers++).toString());
        driver = new TopologyTestDriver(DedupTopology.build(config, () -> store, new DedupMetrics(registry),
                () -> stopping), props);
        var bytesIn = new ByteArraySerializer();
        var bytesOut = new ByteArrayDeserializer();
        input = driver.createInputTopic(config.inputTopic(), bytesIn, bytesIn);
        deduplicated = driver.createOutputTopic(config.outputTopic(), bytesOut, bytesOut);
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), bytesOut, bytesOut);
        duplicates = driver.createOutputTopic("payments.duplicates", bytesOut, bytesOut);
    }

    private static byte[] payment(String paymentId) {
        return json("{\"paymentId\":\"" + paymentId + "\",\"account\":\"acc-1\",\"amountMinor\":1250,"
                + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}");
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> paymentIds(TestOutputTopic<byte[], byte[]> topic) {
        var ids = new ArrayList<String>();
        for (var value : topic.readValuesToList()) {
            ids.add(text(value).replaceAll(".*\"paymentId\":\"([^\"]*)\".*", "$1"));
        }
        return ids;
    }

    private double outcome(String outcome) {
        return registry.get("quondam.records").tag("outcome", outcome).counter().count();
    }

    @Test
    void shouldForwardFirstOccurrenceAndDropDuplicatesInSamePartition() {
        start(TestConfigs.config());

        for (String id : List.of("p1", "p2", "p1", "p3", "p2", "p1")) {
            input.pipeInput(id.getBytes(StandardCharsets.UTF_8), payment(id));
        }

        assertThat(paymentIds(deduplicated)).containsExactly("p1", "p2", "p3");
        assertThat(paymentIds(duplicates)).containsExactly("p1", "p2", "p1");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(outcome("forwarded")).isEqualTo(3);
        assertThat(outcome("duplicate")).isEqualTo(3);
    }

    @Test
    void shouldDropDuplicateFirstSeenOnAnotherPartition() {
        start(TestConfigs.config());
        keyStore.claim("payments", "p1", ClaimOwner.of("payments", 4, 1187), DAY);

        input.pipeInput(payment("p1"));

        assertThat(deduplicated.isEmpty()).isTrue();
        var audited = duplicates.readRecord();
        assertThat(text(audited.headers().lastHeader(ClaimProcessor.DUPLICATE_OF).value()))
                .isEqualTo(ClaimOwner.of("payments", 4, 1187));
    }

    @Test
    void shouldForwardReplayedRecordAfterAbort() {
        start(TestConfigs.config());
        // The record at payments-0@0 claimed its key, then its transaction aborted before the commit.
        keyStore.claim("payments", "p1", ClaimOwner.of("payments", 0, 0), DAY);

        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        assertThat(outcome("replayed")).isEqualTo(1);
    }

    @Test
    void shouldCatchSamePartitionDuplicateInGuardWhenRedisLostTheKey() {
        start(TestConfigs.config("QUONDAM_GUARD_RETENTION", "1h"));
        input.pipeInput(payment("p1"));
        keyStore.release("payments", "p1"); // as if a failover lost the claim

        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        assertThat(paymentIds(duplicates)).containsExactly("p1");
        assertThat(registry.get("quondam.guard.hits").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldLetDuplicateThroughWithoutGuardWhenRedisLostTheKey() {
        // The control for the guard test above: without the guard (the default), a lost claim means a leak.
        start(TestConfigs.config());
        input.pipeInput(payment("p1"));
        keyStore.release("payments", "p1");

        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1", "p1");
    }

    @Test
    void shouldNotWriteDuplicatesTopicWhenAuditIsOff() {
        start(TestConfigs.config("QUONDAM_DUPLICATES_TOPIC", ""));

        input.pipeInput(payment("p1"));
        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        assertThat(duplicates.isEmpty()).isTrue();
        assertThat(outcome("duplicate")).isEqualTo(1);
    }

    @Test
    void shouldReadKeyFromHeaderWhenConfigured() {
        start(TestConfigs.config("QUONDAM_KEY_SOURCE", "header"));
        Headers headers = new RecordHeaders().add("idempotency-key", json("order-7"));

        input.pipeInput(new TestRecord<>(null, json("not even json"), headers));
        input.pipeInput(new TestRecord<>(null, json("another body"), new RecordHeaders().add("idempotency-key",
                json("order-7"))));

        assertThat(deduplicated.readValuesToList()).extracting(DedupTopologyTest::text)
                .containsExactly("not even json");
    }

    @Test
    void shouldReadKeyFromRecordKeyWhenConfigured() {
        start(TestConfigs.config("QUONDAM_KEY_SOURCE", "record-key"));

        input.pipeInput(json("k-1"), json("a"));
        input.pipeInput(json("k-1"), json("b"));
        input.pipeInput(json("k-2"), json("c"));

        assertThat(deduplicated.readValuesToList()).extracting(DedupTopologyTest::text).containsExactly("a", "c");
    }

    @Test
    void shouldForwardTombstoneWhenConfigured() {
        start(TestConfigs.config("QUONDAM_TOMBSTONES", "forward"));

        input.pipeInput(json("k"), (byte[]) null);

        var record = deduplicated.readRecord();
        assertThat(record.value()).isNull();
        assertThat(text(record.key())).isEqualTo("k");
    }

    record BadInput(String name, BadRecordReason reason, byte[] value, Headers headers, String... config) {
        BadInput(String name, BadRecordReason reason, byte[] value, String... config) {
            this(name, reason, value, new RecordHeaders(), config);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<BadInput> badInputs() {
        return List.of(
                new BadInput("malformed JSON", BadRecordReason.MALFORMED_JSON, json("{\"paymentId\": \"p1\"")),
                new BadInput("trailing garbage", BadRecordReason.MALFORMED_JSON, json("{\"paymentId\":\"p1\"} x")),
                new BadInput("empty value", BadRecordReason.MALFORMED_JSON, new byte[0]),
                new BadInput("missing key", BadRecordReason.MISSING_KEY, json("{\"account\":\"a\"}")),
                new BadInput("null key", BadRecordReason.MISSING_KEY, json("{\"paymentId\":null}")),
                new BadInput("empty key", BadRecordReason.EMPTY_KEY, json("{\"paymentId\":\"\"}")),
                new BadInput("blank key", BadRecordReason.EMPTY_KEY, json("{\"paymentId\":\"   \"}")),
                new BadInput("key over 255 bytes", BadRecordReason.KEY_TOO_LONG,
                        json("{\"paymentId\":\"" + "é".repeat(128) + "\"}")),
                new BadInput("number key", BadRecordReason.WRONG_KEY_TYPE, json("{\"paymentId\":42}")),
                new BadInput("object key", BadRecordReason.WRONG_KEY_TYPE, json("{\"paymentId\":{\"id\":\"p\"}}")),
                new BadInput("tombstone", BadRecordReason.TOMBSTONE, null),
                new BadInput("value over size limit", BadRecordReason.VALUE_TOO_LARGE,
                        json("{\"paymentId\":\"p1\",\"pad\":\"" + "x".repeat(2000) + "\"}"),
                        "QUONDAM_MAX_VALUE_BYTES", "1024"),
                new BadInput("not UTF-8", BadRecordReason.INVALID_UTF8,
                        new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                new BadInput("duplicate JSON field", BadRecordReason.MALFORMED_JSON,
                        json("{\"paymentId\":\"p1\",\"paymentId\":\"p2\"}")),
                new BadInput("JSON with a byte order mark", BadRecordReason.MALFORMED_JSON,
                        json("\uFEFF{\"paymentId\":\"p1\"}")),
                new BadInput("deeply nested JSON", BadRecordReason.MALFORMED_JSON,
                        json("{\"paymentId\":\"p1\",\"n\":" + "[".repeat(5000) + "]".repeat(5000) + "}")),
                new BadInput("key header twice", BadRecordReason.AMBIGUOUS_KEY, payment("p1"),
                        new RecordHeaders().add("idempotency-key", json("a")).add("idempotency-key", json("b")),
                        "QUONDAM_KEY_SOURCE", "header"),
                new BadInput("huge key header", BadRecordReason.KEY_TOO_LONG, payment("p1"),
                        new RecordHeaders().add("idempotency-key", json("k".repeat(100_000))),
                        "QUONDAM_KEY_SOURCE", "header"),
                new BadInput("key header not UTF-8", BadRecordReason.INVALID_UTF8, payment("p1"),
                        new RecordHeaders().add("idempotency-key", new byte[] {(byte) 0xFF, (byte) 0xFE}),
                        "QUONDAM_KEY_SOURCE", "header"),
                new BadInput("key with an escaped lone high surrogate", BadRecordReason.INVALID_KEY,
                        json("{\"paymentId\":\"K-\\ud800\"}")),
                new BadInput("key with an escaped lone low surrogate", BadRecordReason.INVALID_KEY,
                        json("{\"paymentId\":\"\\udc00-K\"}")),
                new BadInput("key with two high surrogates", BadRecordReason.INVALID_KEY,
                        json("{\"paymentId\":\"K-\\ud800\\ud800\"}")),
                new BadInput("JSON in UTF-16LE without a byte order mark", BadRecordReason.INVALID_UTF8,
                        "{\"paymentId\":\"p1\"}".getBytes(StandardCharsets.UTF_16LE)),
                new BadInput("JSON in UTF-16BE without a byte order mark", BadRecordReason.INVALID_UTF8,
                        "{\"paymentId\":\"p1\"}".getBytes(StandardCharsets.UTF_16BE)),
                new BadInput("JSON in UTF-32BE without a byte order mark", BadRecordReason.INVALID_UTF8,
                        "{\"paymentId\":\"p1\"}".getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                new BadInput("JSON in UTF-32LE without a byte order mark", BadRecordReason.INVALID_UTF8,
                        "{\"paymentId\":\"p1\"}".getBytes(java.nio.charset.Charset.forName("UTF-32LE"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void shouldDeadLetterBadRecordWithReasonAndSource(BadInput bad) {
        start(TestConfigs.config(bad.config()));
        var original = new RecordHeaders(bad.headers().toArray()).add("trace-id", json("t-1"));

        input.pipeInput(new TestRecord<>(json("record-key"), bad.value(), original));

        assertThat(deduplicated.isEmpty()).isTrue();
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(bad.value());
        assertThat(text(dead.key())).isEqualTo("record-key");
        assertThat(header(dead, "trace-id")).isEqualTo("t-1");
        assertThat(header(dead, DeadLetters.ERROR_CLASS)).isEqualTo(bad.reason().code());
        assertThat(header(dead, DeadLetters.ERROR_MESSAGE)).isNotBlank();
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo("payments");
        assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(outcome("dead_letter")).isEqualTo(1);
    }

    private static byte[] paddedPayment(String paymentId, int valueBytes) {
        String head = "{\"paymentId\":\"" + paymentId + "\",\"pad\":\"";
        return json(head + "x".repeat(valueBytes - head.length() - 2) + "\"}");
    }

    /** A record the producer would refuse is dead-lettered without its value, unclaimed; the next records flow. */
    @Test
    void shouldDeadLetterARecordTooLargeToForwardAndLeaveItsKeyUnclaimed() {
        start(TestConfigs.config("QUONDAM_STREAMS_MAX_REQUEST_SIZE", "4096"));
        byte[] large = paddedPayment("big", 5000);

        input.pipeInput(new TestRecord<>(json("big"), large, new RecordHeaders().add("trace-id", json("t-9"))));
        input.pipeInput(payment("p1"));
        input.pipeInput(payment("big")); // a smaller retry of the same payment: its key was never claimed

        assertThat(paymentIds(deduplicated)).containsExactly("p1", "big");
        var dead = deadLetters.readRecord();
        assertThat(dead.value()).isNull();
        assertThat(text(dead.key())).isEqualTo("big");
        assertThat(header(dead, "trace-id")).isEqualTo("t-9");
        assertThat(header(dead, DeadLetters.ERROR_CLASS)).isEqualTo("record-too-large");
        assertThat(header(dead, DeadLetters.ERROR_MESSAGE)).contains("max.request.size").contains("4096");
        assertThat(header(dead, DeadLetters.DROPPED)).isEqualTo("value");
        assertThat(Integer.parseInt(header(dead, DeadLetters.ORIGINAL_SIZE))).isGreaterThan(5000);
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    /** A bad record's dead letter adds headers to its value: when that no longer fits, the value is left out. */
    @Test
    void shouldCutADeadLetterDownToFitAndKeepItsReason() {
        start(TestConfigs.config("QUONDAM_STREAMS_MAX_REQUEST_SIZE", "4096", "QUONDAM_MAX_VALUE_BYTES", "1024"));

        input.pipeInput(new TestRecord<>(json("k"), paddedPayment("p0", 4050), new RecordHeaders()));
        input.pipeInput(new TestRecord<>(json("k".repeat(5000)), json("{}"),
                new RecordHeaders().add("h".repeat(3000), json("v"))));
        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        var tooLarge = deadLetters.readRecord();
        assertThat(header(tooLarge, DeadLetters.ERROR_CLASS)).isEqualTo("value-too-large");
        assertThat(header(tooLarge, DeadLetters.DROPPED)).isEqualTo("value");
        assertThat(tooLarge.value()).isNull();
        var keyTooLarge = deadLetters.readRecord();
        assertThat(header(keyTooLarge, DeadLetters.ERROR_CLASS)).isEqualTo("missing-key");
        assertThat(header(keyTooLarge, DeadLetters.DROPPED)).isEqualTo("value,headers,key");
        assertThat(keyTooLarge.key()).isNull();
        assertThat(keyTooLarge.headers().lastHeader("h".repeat(3000))).isNull();
        assertThat(header(keyTooLarge, DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    }

    /** The audit copy of a duplicate carries one more header: when it would not fit, it is dead-lettered instead. */
    @Test
    void shouldDeadLetterAnAuditCopyTooLargeToSendAndKeepFlowing() {
        start(TestConfigs.config("QUONDAM_STREAMS_MAX_REQUEST_SIZE", "4096"));
        String firstOwner = "payments-4@" + "1".repeat(240);
        keyStore.claim("payments", "dup", firstOwner, DAY);

        input.pipeInput(json("dup"), paddedPayment("dup", 3850));
        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        assertThat(duplicates.isEmpty()).isTrue();
        var dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.ERROR_CLASS)).isEqualTo("record-too-large");
        assertThat(header(dead, DeadLetters.ERROR_MESSAGE)).startsWith("duplicate of " + firstOwner);
        assertThat(header(dead, DeadLetters.DROPPED)).isEqualTo("value");
        assertThat(header(dead, ClaimProcessor.DUPLICATE_OF)).isEqualTo(firstOwner);
        assertThat(outcome("duplicate")).isEqualTo(1);
    }

    /** Header names longer than 65,535 bytes broke the pending-claims encoding (writeUTF) and halted the thread. */
    @Test
    void shouldForwardARecordWithAHeaderNameLongerThan64KiB() {
        start(TestConfigs.config("QUONDAM_CLAIM_BATCH", "10"));
        String longName = "n".repeat(70_000);

        input.pipeInput(new TestRecord<>(json("p0"), payment("p0"), new RecordHeaders().add(longName, json("v"))));
        input.pipeInput(payment("p1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1)); // the linger punctuation claims the batch

        var forwarded = deduplicated.readRecordsToList();
        assertThat(forwarded).hasSize(2);
        assertThat(text(forwarded.get(0).headers().lastHeader(longName).value())).isEqualTo("v");
    }

    @Test
    void shouldDeadLetterMissingHeaderAndMissingRecordKey() {
        start(TestConfigs.config("QUONDAM_KEY_SOURCE", "header"));
        input.pipeInput(payment("p1"));
        assertThat(header(deadLetters.readRecord(), DeadLetters.ERROR_CLASS)).isEqualTo("missing-key");
        driver.close();

        start(TestConfigs.config("QUONDAM_KEY_SOURCE", "record-key"));
        input.pipeInput(payment("p1"));
        assertThat(header(deadLetters.readRecord(), DeadLetters.ERROR_CLASS)).isEqualTo("missing-key");
        driver = null;
    }

    @Test
    void shouldKeepInvariantInputEqualsForwardedPlusDuplicatesPlusDeadLettered() {
        start(TestConfigs.config());
        var bad = badInputs();
        int sent = 0;
        for (int i = 0; i < 300; i++) {
            String id = "p" + (i % 170);
            input.pipeInput(payment(id));
            sent++;
            if (i % 20 == 0) {
                input.pipeInput(bad.get(i / 20 % 10).value()); // the first ten need no extra configuration
                sent++;
            }
        }

        long forwarded = deduplicated.getQueueSize();
        long dropped = duplicates.getQueueSize();
        long dead = deadLetters.getQueueSize();
        assertThat(forwarded).isEqualTo(170);
        assertThat(dead).isEqualTo(15);
        assertThat(forwarded + dropped + dead).isEqualTo(sent);
        assertThat(outcome("forwarded") + outcome("replayed") + outcome("duplicate") + outcome("dead_letter"))
                .isEqualTo(sent);
    }

    @Test
    void shouldWaitForRedisAndForwardOnceItAnswers() {
        var failures = new AtomicInteger(3);
        var flaky = new ForwardingKeyStore(keyStore) {
            @Override
            public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
                if (failures.getAndDecrement() > 0) {
                    throw new KeyStoreUnavailableException("Redis down", null);
                }
                return super.claimAll(requests);
            }
        };
        start(TestConfigs.config(), flaky);

        input.pipeInput(payment("p1"));

        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        assertThat(registry.get("quondam.redis.unavailable").counter().count()).isEqualTo(3);
    }

    @Test
    void shouldFailClosedWhenRedisStaysUnavailable() {
        var down = new ForwardingKeyStore(keyStore) {
            @Override
            public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
                throw new KeyStoreUnavailableException("Redis down", null);
            }
        };
        start(TestConfigs.config("QUONDAM_REDIS_OUTAGE_MAX_BLOCK", "1s"), down);

        assertThatThrownBy(() -> input.pipeInput(payment("p1"))).isInstanceOf(StreamsException.class)
                .hasStackTraceContaining("Redis unavailable");
        assertThat(deduplicated.isEmpty()).isTrue();
        assertThat(duplicates.isEmpty()).isTrue();
    }

    @Test
    void shouldStopWaitingForRedisWhenTheApplicationIsShuttingDown() {
        var attempts = new AtomicInteger();
        var down = new ForwardingKeyStore(keyStore) {
            @Override
            public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
                attempts.incrementAndGet();
                throw new KeyStoreUnavailableException("Redis down", null);
            }
        };
        stopping = true;
        start(TestConfigs.config("QUONDAM_REDIS_OUTAGE_MAX_BLOCK", "4m"), down);

        assertThatThrownBy(() -> input.pipeInput(payment("p1"))).isInstanceOf(StreamsException.class)
                .hasStackTraceContaining("shutting down while the claims of 1 record(s) wait for Redis");
        assertThat(attempts).hasValue(1);
        assertThat(deduplicated.isEmpty()).isTrue();
    }

    @Test
    void shouldHoldRecordsUntilTheBatchIsFullAndClaimThemInOneRoundTrip() {
        var batches = new ArrayList<Integer>();
        var counting = new ForwardingKeyStore(keyStore) {
            @Override
            public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
                batches.add(requests.size());
                return super.claimAll(requests);
            }
        };
        start(TestConfigs.config("QUONDAM_CLAIM_BATCH", "4", "QUONDAM_CLAIM_LINGER", "10s",
                "QUONDAM_PENDING_CLAIMS", "changelog"), counting);

        input.pipeInput(payment("p1"));
        input.pipeInput(payment("p2"));
        input.pipeInput(payment("p1"));
        assertThat(deduplicated.isEmpty()).isTrue();
        input.pipeInput(payment("p3"));

        assertThat(batches).containsExactly(4);
        assertThat(paymentIds(deduplicated)).containsExactly("p1", "p2", "p3");
        assertThat(paymentIds(duplicates)).containsExactly("p1");
    }

    @Test
    void shouldClaimAPartialBatchOnceTheLingerHasPassed() {
        start(TestConfigs.config("QUONDAM_CLAIM_BATCH", "100", "QUONDAM_CLAIM_LINGER", "50ms",
                "QUONDAM_PENDING_CLAIMS", "changelog"));

        input.pipeInput(payment("p1"));
        input.pipeInput(payment("p2"));
        input.pipeInput(payment("p1"));
        assertThat(deduplicated.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(50));

        assertThat(paymentIds(deduplicated)).containsExactly("p1", "p2");
        assertThat(paymentIds(duplicates)).containsExactly("p1");
        assertThat(registry.get("quondam.claim.batch").summary().max()).isEqualTo(3);
    }

    /**
     * By default ({@code QUONDAM_PENDING_CLAIMS=drain}) nothing waits for its claim across a commit: the partial batch
     * is claimed and forwarded while the task prepares it (the test driver commits after every input record).
     */
    @Test
    void shouldClaimThePartialBatchWhileTheTaskPreparesItsCommit() {
        start(TestConfigs.config("QUONDAM_CLAIM_BATCH", "100", "QUONDAM_CLAIM_LINGER", "10s"));

        input.pipeInput(payment("p1"));
        assertThat(paymentIds(deduplicated)).containsExactly("p1");
        input.pipeInput(payment("p1"));
        input.pipeInput(payment("p2"));

        assertThat(paymentIds(deduplicated)).containsExactly("p2");
        assertThat(paymentIds(duplicates)).containsExactly("p1");
        assertThat(registry.get("quondam.claim.batch").summary().count()).isEqualTo(3);
    }

    @Test
    void shouldKeepRecordKeyHeadersAndTimestampThroughTheBatch() {
        start(TestConfigs.config("QUONDAM_CLAIM_BATCH", "2"));
        var headers = new RecordHeaders().add("trace-id", json("t-1"));
        input.pipeInput(new TestRecord<>(json("k1"), payment("p1"), headers, 1_700_000_000_000L));
        input.pipeInput(new TestRecord<>(json("k2"), payment("p2"), new RecordHeaders(), 1_700_000_000_001L));

        var first = deduplicated.readRecord();
        assertThat(text(first.key())).isEqualTo("k1");
        assertThat(header(first, "trace-id")).isEqualTo("t-1");
        assertThat(first.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(text(deduplicated.readRecord().key())).isEqualTo("k2");
    }

    @Test
    void shouldNameEveryNode() {
        var description = DedupTopology.build(TestConfigs.config("QUONDAM_GUARD_RETENTION", "1h"), () -> keyStore,
                        new DedupMetrics(registry), () -> false)
                .describe().toString();

        assertThat(description).contains("Source: input (topics: [payments])",
                "Processor: extract-idempotency-key", "Processor: claim-idempotency-key (stores: [",
                "Sink: deduplicated-sink (topic: payments.dedup)", "Sink: dead-letter-sink (topic: payments.dlq)",
                "Sink: duplicates-sink (topic: payments.duplicates)");
        assertThat(description.lines().filter(line -> line.contains("claim-idempotency-key (stores:")).findFirst())
                .hasValueSatisfying(line -> assertThat(line).contains("quondam-guard", "quondam-pending-claims"));
    }

    @Test
    void shouldLeaveTheGuardStoreOutByDefault() {
        var description = DedupTopology.build(TestConfigs.config(), () -> keyStore, new DedupMetrics(registry),
                () -> false).describe().toString();

        assertThat(description).contains("quondam-pending-claims").doesNotContain("quondam-guard");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }
}
