package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault matrix in its short form (CHAOS_SCALE 0.1: 9-18 s of payments per scenario, faults shortened to their
 * floors): each fault strikes mid-stream on a fresh stack, and the ledger must come out exactly once. Each scenario's
 * row and fault log are appended to {@code target/chaos-it/results.txt}. Every scenario runs with the default
 * durability rule: every replica the master counts online confirms a commit, and redis-guard lets Sentinel promote
 * only such replicas (docs/durability.md).
 */
class ChaosSuiteIT {
    private static final double SCALE = 0.1;
    private static final int RATE = 500;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis-master-kill", "processor-kill", "broker-restart", "redis-unreachable", "redis-slow",
            "sentinels-down", "master-partitioned", "postgres-restart", "restart-empty-then-kill", "replica-away",
            "stale-replica", "cluster-master-kill"})
    void shouldBookEveryPaymentExactlyOnceThrough(String name) throws Exception {
        var scenario = ChaosScenarios.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        var output = new ByteArrayOutputStream();
        var log = new PrintStream(output, true, StandardCharsets.UTF_8);
        Path dir = Files.createDirectories(Path.of("target", "chaos-it"));

        var result = new ChaosRun(dir, SCALE, RATE, log).run(scenario);

        String story = output.toString(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.txt"), result.row() + "\n" + story.lines()
                        .filter(line -> line.startsWith("  ! ") || line.startsWith("  input processed"))
                        .map(line -> "    " + line.strip() + "\n").reduce("", String::concat),
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(story).as("the fault struck").contains("  ! [");
        assertThat(result.verified()).as(story + result.error()).isTrue();
        assertThat(result.leaked()).as("leaked\n" + story).isZero();
        assertThat(result.lost()).as("lost\n" + story).isZero();
        assertThat(result.records()).isGreaterThanOrEqualTo(1_000);
        assertThat(result.exactlyOnce()).as(story).isTrue();
    }
}
