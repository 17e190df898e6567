package io.quondam.load.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.config.Settings;
import io.quondam.dedup.DedupApp;
import io.quondam.dedup.DedupTopology;
import io.quondam.dedup.ProcessorConfig;
import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisEndpoint;
import io.quondam.testdata.CommittedRecords;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Processor throughput: the same input topic (duplicated payments, 6 partitions) read to its end by each variant in
 * turn, with its own application id and output topic, on the same broker and Redis.
 */
final class ProcessorBench {
    static final String INPUT = "bench.input";
    static final int PARTITIONS = 6;
    /** Output topic suffixes of the measured rounds. */
    private static final List<String> ROUNDS = List.of("", ".2");
    private static final long SEED = 42;

    /** The variants in the order they run and are reported. */
    enum Variant {
        PASS_THROUGH("passThrough", "", "0"), WINDOW_STORE("windowStore", "", "0"),
        PER_COMMIT("perCommit", "per-commit", "0"), GUARDED("guarded", "per-commit", "1h"),
        PER_RECORD("perRecord", "per-record", "0"), NONE("none", "none", "0");

        final String label;
        /** QUONDAM_DURABILITY of a Quondam variant; empty for a baseline. */
        final String durability;
        /** QUONDAM_GUARD_RETENTION: {@code guarded} is {@code perCommit} with the local guard store on. */
        final String guardRetention;

        Variant(String label, String durability, String guardRetention) {
            this.label = label;
            this.durability = durability;
            this.guardRetention = guardRetention;
        }

        boolean quondam() {
            return !durability.isEmpty();
        }
    }

    /** One variant's outcome: steady rate (see {@link #measure}), records it wrote, claim latency. */
    record Row(Variant variant, double msgsPerSec, double seconds, long output, double claimP50Ms, double claimP99Ms,
               double meanBatch, Map<String, Double> cpuMicrosPerRecord, double bufferLogPerRecord) {

        /** The mean of one variant's rounds; the largest output, so that a round that leaked shows. */
        static Row mean(List<Row> rounds) {
            var cpu = new LinkedHashMap<String, Double>();
            for (String part : CpuAccount.PARTS) {
                cpu.put(part, average(rounds, row -> row.cpuMicrosPerRecord().get(part)));
            }
            return new Row(rounds.get(0).variant(), average(rounds, Row::msgsPerSec), average(rounds, Row::seconds),
                    rounds.stream().mapToLong(Row::output).max().orElseThrow(), average(rounds, Row::claimP50Ms),
                    average(rounds, Row::claimP99Ms), average(rounds, Row::meanBatch), cpu,
                    average(rounds, Row::bufferLogPerRecord));
        }

        double cpuMicrosPerRecordTotal() {
            return cpuMicrosPerRecord.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        private static double average(List<Row> rounds, ToDoubleFunction<Row> value) {
            // A round too short to measure (a tiny BENCH_RECORDS) has no rate: the other round stands alone.
            return rounds.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
        }
    }

    private final LocalStack stack;
    private final CpuAccount cpu;
    private final RedisCommandCost commands;
    private final int records;
    private final int streamThreads;
    private final Path stateDir;
    private final PrintStream out;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private long unique;

    ProcessorBench(LocalStack stack, int records, int streamThreads, Path stateDir, PrintStream out) {
        this.stack = stack;
        this.cpu = new CpuAccount(stack);
        this.commands = new RedisCommandCost(stack);
        this.records = records;
        this.streamThreads = streamThreads;
        this.stateDir = stateDir;
        this.out = out;
    }

    long unique() {
        return unique;
    }

    List<Row> run(List<Variant> variants) throws InterruptedException, ExecutionException {
        var topics = new LinkedHashMap<String, Integer>();
        topics.put(INPUT, PARTITIONS);
        for (var variant : variants) {
            for (var round : ROUNDS) {
                topics.put(output(variant) + round, PARTITIONS);
            }
            topics.put(output(variant) + ".warmup", PARTITIONS);
            topics.put(deadLetters(variant), 1);
        }
        stack.createTopics(topics);
        var events = PaymentEvents.generate(records, 0.3, SEED);
        unique = PaymentEvents.count(events, PaymentEvents.Kind.ORIGINAL);
        out.printf("producing %,d records (%,d unique payments, 30%% duplicates) to %s ...%n", records, unique, INPUT);
        try (var pipeline = new Pipeline(stack.bootstrapServers())) {
            pipeline.produce(INPUT, events, Integer.MAX_VALUE, new AtomicInteger()).get();
            events = null; // the generated records can take a few hundred MB
            // The JIT of this JVM and of the broker favours whichever variant runs later. So every variant reads the
            // whole input once unmeasured, then twice measured, the second round in reverse order; a row is the mean
            // of its two measured rounds (docs/benchmarks.md).
            out.printf("warming up: every variant reads the input once, unmeasured%n");
            for (var variant : variants) {
                measure(variant, pipeline, INPUT, records, "warmup", output(variant) + ".warmup");
            }
            var rounds = new ArrayList<Map<Variant, Row>>();
            for (int round = 0; round < ROUNDS.size(); round++) {
                var order = new ArrayList<>(variants);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                var rows = new HashMap<Variant, Row>();
                for (var variant : order) {
                    var row = measure(variant, pipeline, INPUT, records, "run" + round, output(variant)
                            + ROUNDS.get(round));
                    var cpuParts = new StringBuilder();
                    row.cpuMicrosPerRecord().forEach((part, micros) -> cpuParts.append(String.format(
                            Locale.ROOT, " %s %.1f", part, micros)));
                    out.printf("  round %d %-12s %,10.0f msgs/s  %6.1f s  output %,d  CPU µs/record %.1f:%s%n",
                            round + 1, variant.label, row.msgsPerSec(), row.seconds(), row.output(),
                            row.cpuMicrosPerRecordTotal(), cpuParts);
                    rows.put(variant, row);
                }
                rounds.add(rows);
            }
            return variants.stream().map(variant -> Row.mean(rounds.stream().map(r -> r.get(variant)).toList()))
                    .toList();
        }
    }

    private Row measure(Variant variant, Pipeline pipeline, String input, int count, String phase, String output)
            throws InterruptedException {
        String applicationId = "bench-" + phase + "-" + variant.label + "-" + runId;
        var registry = new SimpleMeterRegistry();
        Runner runner = variant.quondam() ? dedup(variant, applicationId, input, output, registry)
                : baseline(variant, applicationId, input, output);
        double seconds;
        long measured;
        Map<String, Long> cpuFrom = Map.of();
        Map<String, Long> cpuTo;
        Map<String, RedisCommandCost.Cost> commandsFrom = Map.of();
        Map<String, RedisCommandCost.Cost> commandsTo = Map.of();
        try {
            runner.start();
            // From the first commit that shows a tenth of the input done to the commit that shows all of it: start-up,
            // rebalancing and the first commit interval are left out, the same way for every variant. The commits are
            // watched from the start: a fast variant may be done before a wait for its RUNNING state would end.
            long started = System.nanoTime();
            long deadline = started + Duration.ofSeconds(Math.max(300, count / 200)).toNanos();
            long from = 0;
            long doneAtFrom = 0;
            while (true) {
                long lag = pipeline.lag(applicationId, input);
                long now = System.nanoTime();
                if (from == 0 && now - started > Duration.ofSeconds(120).toNanos() && !runner.running()) {
                    throw new IllegalStateException(applicationId + " did not reach RUNNING within 120 s");
                }
                if (from == 0 && lag <= count * 0.9) {
                    from = now;
                    doneAtFrom = count - lag;
                    cpuFrom = cpu.snapshot();
                    commandsFrom = variant.quondam() ? commands.snapshot() : Map.of();
                }
                if (lag == 0) {
                    seconds = (now - from) / 1e9;
                    measured = count - doneAtFrom;
                    cpuTo = cpu.snapshot();
                    commandsTo = variant.quondam() ? commands.snapshot() : Map.of();
                    break;
                }
                if (now > deadline) {
                    throw new IllegalStateException(applicationId + " did not read " + input + " to its end in time");
                }
                Thread.sleep(50);
            }
        } finally {
            runner.close();
        }
        if (variant.quondam()) {
            forgetClaims();
            out.printf("    %s, Redis per record by command (INFO commandstats):%s%n", variant.label,
                    RedisCommandCost.perRecord(commandsFrom, commandsTo, measured));
        }
        var latency = registry.find("quondam.claim.latency").timer();
        long written = CommittedRecords.count(stack.bootstrapServers(), output, Duration.ofMinutes(5));
        var batches = registry.find("quondam.claim.batch").summary();
        // Records waiting for their batch live in a changelogged store: what that costs the broker, per record.
        double bufferLog = variant.quondam() ? CommittedRecords.count(stack.bootstrapServers(),
                applicationId + "-" + DedupTopology.PENDING_STORE + "-changelog", Duration.ofMinutes(5))
                / (double) count : Double.NaN;
        return new Row(variant, seconds > 0 ? measured / seconds : Double.NaN, seconds, written,
                percentileMs(latency, 0.5),
                percentileMs(latency, 0.99), batches == null ? Double.NaN : batches.mean(),
                CpuAccount.perRecord(cpuFrom, cpuTo, measured), bufferLog);
    }

    static double percentileMs(Timer timer, double percentile) {
        if (timer == null) {
            return Double.NaN;
        }
        for (var value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == percentile) {
                return value.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    /**
     * Empties Redis after a Quondam run (each run claims in a namespace of its own), so that every run starts on the
     * same empty Redis and the failover stall later does not depend on how many records were benchmarked.
     */
    private void forgetClaims() {
        try (var jedis = RedisEndpoint.parse(stack.currentMasterAddress(), stack.redisPassword())
                .connect(Duration.ofSeconds(30))) {
            jedis.flushAll();
        }
    }

    private Runner dedup(Variant variant, String applicationId, String input, String output, MeterRegistry registry) {
        var app = dedupApp(stack, applicationId, input, output, deadLetters(variant), variant.durability,
                streamThreads, stateDir, registry, Map.of("QUONDAM_GUARD_RETENTION", variant.guardRetention));
        return new Runner() {
            @Override
            public void start() {
                app.start();
            }

            @Override
            public boolean running() {
                return app.isReady();
            }

            @Override
            public void close() {
                app.close();
            }
        };
    }

    /** A dedup-processor on the stack, claiming in a namespace of its own so that every run claims afresh. */
    static DedupApp dedupApp(LocalStack stack, String applicationId, String input, String output, String deadLetters,
                             String durability, int streamThreads, Path stateDir, MeterRegistry registry,
                             Map<String, String> variantSettings) {
        var settings = new HashMap<>(stack.environment());
        settings.putAll(variantSettings);
        settings.put("QUONDAM_APPLICATION_ID", applicationId);
        settings.put("QUONDAM_INPUT_TOPIC", input);
        settings.put("QUONDAM_OUTPUT_TOPIC", output);
        settings.put("QUONDAM_DLQ_TOPIC", deadLetters);
        settings.put("QUONDAM_NAMESPACE", applicationId);
        settings.put("QUONDAM_DURABILITY", durability);
        settings.put("QUONDAM_STREAM_THREADS", Integer.toString(streamThreads));
        settings.put("QUONDAM_STATE_DIR", stateDir.resolve(applicationId).toString());
        // BENCH_PROCESSOR_SETTINGS=QUONDAM_CLAIM_BATCH=500 tries other settings.
        for (String pair : System.getenv().getOrDefault("BENCH_PROCESSOR_SETTINGS", "").split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                settings.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return new DedupApp(ProcessorConfig.from(Settings.of(settings)), registry);
    }

    private Runner baseline(Variant variant, String applicationId, String input, String output) {
        Topology topology = variant == Variant.PASS_THROUGH
                ? BaselineTopologies.passThrough(input, output)
                : BaselineTopologies.windowStoreDedup(input, output);
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100); // Quondam's default, for a like-for-like comparison
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
                Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED)); // ditto
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(applicationId).toString());
        var streams = new KafkaStreams(topology, props);
        return new Runner() {
            @Override
            public void start() {
                streams.start();
            }

            @Override
            public boolean running() {
                return streams.state() == KafkaStreams.State.RUNNING;
            }

            @Override
            public void close() {
                streams.close(Duration.ofSeconds(30));
            }
        };
    }

    static String output(Variant variant) {
        return "bench.out." + variant.label;
    }

    private static String deadLetters(Variant variant) {
        return "bench.dlq." + variant.label;
    }

    /** A Kafka Streams application under test. */
    private interface Runner {
        void start();

        boolean running();

        void close();
    }

    static Map<String, Object> toJson(List<Row> rows) {
        var json = new LinkedHashMap<String, Object>();
        rows.forEach(row -> json.put(row.variant().label, Math.round(row.msgsPerSec())));
        rows.stream().filter(row -> row.variant() == Variant.PER_COMMIT).findFirst().ifPresent(row -> {
            json.put("claimP50Ms", row.claimP50Ms());
            json.put("claimP99Ms", row.claimP99Ms());
            json.put("claimBatchMean", row.meanBatch());
            json.put("bufferChangelogRecordsPerRecord", row.bufferLogPerRecord());
        });
        return json;
    }
}
