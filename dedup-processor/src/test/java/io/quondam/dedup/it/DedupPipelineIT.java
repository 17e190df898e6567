package io.quondam.dedup.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.config.Settings;
import io.quondam.dedup.DedupApp;
import io.quondam.dedup.ProcessorConfig;
import io.quondam.stack.Await;
import io.quondam.stack.ChildProcess;
import io.quondam.stack.LocalStack;
import io.quondam.stack.ShippedJar;
import io.quondam.stack.StackOptions;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dedup-processor on the real local stack: a KRaft broker, Redis master + 2 replicas + 3 Sentinels. Every test
 * streams duplicated payments through its own topics and ends with an exact count of the committed output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DedupPipelineIT {
    private static final int PARTITIONS = 6;
    private static final Duration CATCH_UP = Duration.ofMinutes(3);
    private static final Path RESULTS = Path.of("target", "it-results.txt");

    private static LocalStack stack;
    private static Pipeline pipeline;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private String input;
    private String output;
    private String applicationId;

    @BeforeAll
    static void startStack() throws IOException {
        Path dir = Path.of("target", "it-stack");
        Files.createDirectories(dir);
        stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Map.of()));
        pipeline = new Pipeline(stack.bootstrapServers());
    }

    @AfterAll
    static void stopStack() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void awaitCalmRedis() {
        stack.awaitSettled(Duration.ofSeconds(60)); // an earlier test may have failed Redis over
    }

    private void createTopics(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        input = "payments-" + name;
        output = input + ".dedup";
        applicationId = "dedup-" + name;
        stack.createTopics(Map.of(input, PARTITIONS, output, PARTITIONS, input + ".dlq", 1));
    }

    private Map<String, String> processorEnvironment() {
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_APPLICATION_ID", applicationId);
        env.put("QUONDAM_INPUT_TOPIC", input);
        env.put("QUONDAM_OUTPUT_TOPIC", output);
        env.put("QUONDAM_DLQ_TOPIC", input + ".dlq");
        env.put("QUONDAM_STREAM_THREADS", "2");
        env.put("QUONDAM_REPLICATION_FACTOR", "1");
        env.put("QUONDAM_STATE_DIR", stack.dir().resolve("state-" + applicationId).toAbsolutePath().toString());
        env.put("QUONDAM_HTTP_PORT", "0");
        // A killed instance's partitions move after this timeout (the broker's minimum is 6 s).
        env.put("QUONDAM_STREAMS_SESSION_TIMEOUT_MS", "6000");
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("QUONDAM_"))
                .forEach(n -> env.put(n, System.getProperty(n)));
        return env;
    }

    private DedupApp startInProcess(String... overrides) {
        var env = processorEnvironment(overrides);
        var app = new DedupApp(ProcessorConfig.from(Settings.of(env)), registry);
        app.start();
        Await.until(Duration.ofSeconds(60), () -> app.state() == KafkaStreams.State.RUNNING, "processor RUNNING");
        return app;
    }

    private ChildProcess startChildJvm(String name, String... overrides) {
        return stack.startJvm(name, ShippedJar.of("dedup-processor").childJvm()
                .withJvmOptions("-Xmx384m")
                .withEnvironment(processorEnvironment(overrides)));
    }

    /** The processor's environment with {@code overrides} (name, value, name, value...) put over it. */
    private Map<String, String> processorEnvironment(String... overrides) {
        var env = processorEnvironment();
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return env;
    }

    /**
     * Waits until the input is committed and then, bounded by the same time, until every payment of {@code events}
     * is in the output. A lag of 0 is not enough before a processor stops: input offsets commit while the last
     * records still wait for their claims in the changelogged buffer, and they are forwarded only after a restart.
     * A payment still missing at the end is reported by {@link #assertEachPaymentExactlyOnce}.
     */
    private void awaitForwarded(List<PaymentEvents.Event> events) {
        pipeline.awaitCaughtUp(applicationId, input, CATCH_UP);
        var expected = events.stream().map(PaymentEvents.Event::paymentId).collect(Collectors.toSet());
        try {
            Await.until(CATCH_UP, () -> pipeline.committedPaymentIds(output).keySet().containsAll(expected),
                    "every payment in " + output);
        } catch (Await.AwaitTimeoutException e) {
            // the assertion that follows names the missing payments
        }
    }

    private void assertEachPaymentExactlyOnce(List<PaymentEvents.Event> events) {
        var expected = events.stream().map(PaymentEvents.Event::paymentId).collect(Collectors.toSet());
        Map<String, Integer> seen = pipeline.committedPaymentIds(output);

        var leaked = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        var lost = expected.stream().filter(id -> !seen.containsKey(id)).toList();
        assertThat(leaked).as("payments forwarded more than once").isEmpty();
        assertThat(lost).as("payments never forwarded").isEmpty();
        assertThat(seen.keySet()).isEqualTo(expected);
        assertThat(pipeline.committedCount(input + ".dlq")).isZero();
    }

    /** Starts producing at 2,000 records/s in the background and returns once {@code percent}% are sent. */
    private CompletableFuture<Void> produceUntil(List<PaymentEvents.Event> events, int percent) {
        var sent = new AtomicInteger();
        var producing = pipeline.produce(input, events, 2_000, sent);
        Await.until(Duration.ofSeconds(60), () -> sent.get() >= events.size() * percent / 100, percent + "% produced");
        return producing;
    }

    private static void report(String line) throws IOException {
        Files.writeString(RESULTS, Instant.now() + " " + line + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    @Order(1)
    void shouldForwardEachOf20000PaymentsExactlyOnce(TestInfo test) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(20_000, 0.30, 1);
        try (var app = startInProcess()) {
            long start = System.nanoTime();
            pipeline.produce(input, events, 1_000_000, new AtomicInteger()).get();
            awaitForwarded(events);
            double seconds = (System.nanoTime() - start) / 1e9;

            var latency = registry.get("quondam.claim.latency").timer().takeSnapshot();
            report(String.format("20,000 records (30%% duplicates, 6 partitions, env %s):"
                    + " %.1f s, %.0f records/s end to end; claim latency %s",
                    System.getProperties().stringPropertyNames()
                    .stream().filter(n -> n.startsWith("QUONDAM_")).map(n -> n + "=" + System.getProperty(n)).toList(),
                    seconds, events.size() / seconds, latency));
        }
        assertThat(PaymentEvents.count(events, PaymentEvents.Kind.ORIGINAL)).isEqualTo(14_000);
        assertEachPaymentExactlyOnce(events);
    }

    @Test
    @Order(2)
    void shouldForwardEachPaymentExactlyOnceWhenRedisMasterIsKilledMidStream(TestInfo test) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(20_000, 0.30, 2);
        try (var app = startInProcess()) {
            var producing = produceUntil(events, 30);

            String oldMaster = stack.currentMasterAddress();
            long killedAt = System.nanoTime();
            int killedPort = stack.killRedisMaster();
            String newMaster = stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));
            report(String.format("Redis master %s killed; Sentinel promoted %s after %.1f s", oldMaster, newMaster,
                    (System.nanoTime() - killedAt) / 1e9));
            // Back as an empty replica, as a platform restarts a dead pod; commits need not wait for its resync.
            stack.restartRedisNode(killedPort);

            producing.get();
            awaitForwarded(events);
        }
        assertEachPaymentExactlyOnce(events);
    }

    /** By default the partial batch is drained before each commit and the buffer has no changelog: kill -9. */
    @Test
    @Order(3)
    void shouldForwardEachPaymentExactlyOnceWhenProcessorIsKilledMidStream(TestInfo test) throws Exception {
        killProcessorMidStream(test, 3);
    }

    private void killProcessorMidStream(TestInfo test, long seed, String... overrides) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(20_000, 0.30, seed);
        // Names of their own per test, so that each test's logs survive the next one.
        var first = startChildJvm("processor-a-" + seed, overrides);

        var producing = produceUntil(events, 40);
        // The kill must hit a processor that is working: wait for its first committed output. (A lag of 0 proves
        // nothing here: an empty input with no group yet has no lag either.)
        Await.until(Duration.ofSeconds(60), () -> pipeline.committedCount(output) > 0,
                "the first processor to commit output");
        first.kill9();
        assertThat(first.isAlive()).isFalse();
        var second = startChildJvm("processor-b-" + seed, overrides);

        producing.get();
        awaitForwarded(events);
        second.stop(Duration.ofSeconds(30));
        assertThat(second.logTail(200)).as("graceful shutdown on SIGTERM").contains("Shutting down");
        assertEachPaymentExactlyOnce(events);
    }

    /** With records waiting for their claims in a changelogged buffer across commits: kill -9 mid-stream. */
    @Test
    @Order(9)
    void shouldForwardEachPaymentExactlyOnceWhenTheBufferIsChangeloggedAndTheProcessorIsKilled(TestInfo test)
            throws Exception {
        killProcessorMidStream(test, 9, "QUONDAM_PENDING_CLAIMS", "changelog");
    }

    private double counter(String name, String... tags) {
        var search = registry.find(name).tags(tags).counter();
        return search == null ? 0 : search.count();
    }

    /** Streams 2,000 payments while both replicas are paused, runs the check, then lets the pipeline finish. */
    private void streamWithReplicasPaused(TestInfo test, long seed, Runnable checkWhilePaused, String... overrides)
            throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(2_000, 0.30, seed);
        try (var app = startInProcess(overrides)) {
            var paused = stack.pauseReplicas();
            try {
                pipeline.produce(input, events, 1_000_000, new AtomicInteger()).get();
                checkWhilePaused.run();
            } finally {
                stack.resume(paused);
            }
            awaitForwarded(events);
        }
        assertEachPaymentExactlyOnce(events);
    }

    @Test
    @Order(4)
    void shouldCommitNothingWhileNoReplicaHasTheClaims(TestInfo test) throws Exception {
        streamWithReplicasPaused(test, 5, () -> {
            // The master still takes claims (for min-replicas-max-lag, 5 s) but WAIT finds no replica.
            Await.until(Duration.ofSeconds(4), () -> counter("quondam.barrier.failures") > 0
                    && counter("quondam.records", "outcome", "forwarded") > 0, "claims made and commit refused");

            assertThat(pipeline.committedCount(output)).as("records committed without a replica").isZero();
        });
    }

    @Test
    @Order(5)
    void shouldCommitUnreplicatedClaimsWithoutDurabilityBarrier(TestInfo test) throws Exception {
        // The control for the test above: with durability none, the same output commits while no replica has the
        // claims, and a failover at that moment could lose them.
        streamWithReplicasPaused(test, 6, () -> Await.until(Duration.ofSeconds(4),
                () -> pipeline.committedCount(output) > 0, "records committed while no replica has their claims"),
                "QUONDAM_DURABILITY", "none");
    }

    @Test
    @Order(6)
    void shouldForwardNothingUnclaimedWhileRedisIsDownAndResumeAfterwards(TestInfo test) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(20_000, 0.30, 4);
        try (var app = startInProcess()) {
            var producing = produceUntil(events, 30);

            stack.pauseRedis();
            long pausedAt = System.nanoTime();
            try {
                // The transaction open when Redis went away may still commit if its WAIT had already returned.
                Await.until(Duration.ofSeconds(5), () -> System.nanoTime() - pausedAt > 3_000_000_000L, "3 s");
                int committedEarly = pipeline.committedCount(output);
                Await.until(Duration.ofSeconds(10), () -> System.nanoTime() - pausedAt > 9_000_000_000L, "9 s");
                int committedLate = pipeline.committedCount(output);
                assertThat(committedLate).as("records committed while Redis was unreachable")
                        .isEqualTo(committedEarly);
                Await.until(Duration.ofSeconds(5), () -> System.nanoTime() - pausedAt > 10_000_000_000L, "10 s");
            } finally {
                stack.resumeRedis();
            }
            producing.get();
            awaitForwarded(events);
        }
        assertEachPaymentExactlyOnce(events);
    }

    @Test
    @Order(7)
    void shouldShutDownWhileRedisIsDownAndLoseNothing(TestInfo test) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(20_000, 0.30, 5);
        // Short Redis timeouts, so that one claim gives up after seconds and the test is about close(), not Jedis.
        var app = startInProcess("QUONDAM_REDIS_SOCKET_TIMEOUT", "1s", "QUONDAM_REDIS_CONNECT_TIMEOUT", "1s",
                "QUONDAM_WAIT_TIMEOUT", "500ms", "QUONDAM_REDIS_RETRY_ATTEMPTS", "3");
        var producing = produceUntil(events, 30);
        stack.pauseRedis();
        Duration closing;
        try {
            Await.until(Duration.ofSeconds(60), () -> counter("quondam.redis.unavailable") > 0,
                    "a claim waiting for Redis");
            long start = System.nanoTime();
            app.close();
            closing = Duration.ofNanos(System.nanoTime() - start);
        } finally {
            stack.resumeRedis();
        }
        // Without giving up on shutdown, a waiting stream thread held close() for its whole 30 s and outlived it,
        // waiting out QUONDAM_REDIS_OUTAGE_MAX_BLOCK (60 s).
        assertThat(liveStreamThreads()).as("stream threads still alive after close()").isEmpty();
        assertThat(closing).as("time close() took with Redis down").isLessThan(Duration.ofSeconds(30));
        report(String.format("%s close() with Redis paused: %.1f s", Instant.now(), closing.toMillis() / 1000.0));

        producing.get();
        try (var restarted = startInProcess()) {
            awaitForwarded(events);
        }
        assertEachPaymentExactlyOnce(events);
    }

    /**
     * Two legal records that halted a processor: a value the broker takes just under its limit, whose dead letter
     * (value-too-large, with headers added) the processor's producer refused; and a header name over 65,535 bytes,
     * which the pending-claims buffer could not encode. Both sit first in partition 0; every payment after them flows.
     */
    @Test
    @Order(8)
    void shouldGetPastRecordsThatOnceHaltedTheProcessor(TestInfo test) throws Exception {
        createTopics(test);
        var events = PaymentEvents.generate(2_000, 0.30, 8);
        String longHeaderPayment = "long-header-name-1";
        try (var app = startInProcess()) {
            var props = new java.util.Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
            try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                // A batch of this one record is 1,048,490 bytes: the broker's default limit is 1,048,588.
                byte[] nearTheLimit = ("{\"paymentId\":\"too-large-1\",\"pad\":\"" + "x".repeat(1_048_400 - 42)
                        + "\"}").getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(input, 0, "too-large-1".getBytes(StandardCharsets.UTF_8),
                        nearTheLimit)).get();
                var headers = new RecordHeaders().add("n".repeat(70_000), "v".getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(input, 0, null, longHeaderPayment.getBytes(StandardCharsets.UTF_8),
                        ("{\"paymentId\":\"" + longHeaderPayment + "\"}").getBytes(StandardCharsets.UTF_8),
                        headers)).get();
            }
            pipeline.produce(input, events, 1_000_000, new AtomicInteger()).get();
            awaitForwarded(events);
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        var expected = events.stream().map(PaymentEvents.Event::paymentId).collect(Collectors.toSet());
        expected.add(longHeaderPayment);
        Map<String, Integer> seen = pipeline.committedPaymentIds(output);
        assertThat(seen.values()).as("payments forwarded more than once").allMatch(count -> count == 1);
        assertThat(seen.keySet()).isEqualTo(expected);
        assertThat(pipeline.committedCount(input + ".dlq")).as("the too-large record, cut down to fit").isEqualTo(1);
        assertThat(counter("quondam.records", "outcome", "dead_letter")).isEqualTo(1);
    }

    private List<String> liveStreamThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(applicationId) && name.contains("StreamThread")).toList();
    }
}
