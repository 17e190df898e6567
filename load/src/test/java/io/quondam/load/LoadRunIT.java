package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.load.gatling.DuplicateShape;
import io.quondam.load.gatling.DuplicatedPaymentsSimulation;
import io.quondam.load.gatling.LoadSettings;
import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DuplicatedPaymentsSimulation through Gatling for 15 s on the real stack, with the Redis master killed mid-run:
 * the report shows every send timed, and the verifier finds each acknowledged payment booked exactly once.
 */
class LoadRunIT {

    @Test
    void shouldBookEveryGatlingPaymentExactlyOnceThroughARedisFailover() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "load-it"));
        Path results = Path.of("target", "load-it-gatling");
        var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var faults = Executors.newSingleThreadScheduledExecutor();
        try (var stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Demo.topics()));
             var services = new LocalServices(stack, "it-token", log)) {
            stack.startPostgres();
            services.start();
            var settings = new LoadSettings(stack.bootstrapServers(), Demo.INPUT, 100, Duration.ofSeconds(15), 30,
                    Map.of(DuplicateShape.IMMEDIATE, 1, DuplicateShape.DELAYED, 1, DuplicateShape.OTHER_KEY, 1),
                    Duration.ofSeconds(3), 11, dir.resolve("manifest.txt"), services.keyApiUrl(), "it-token", 1,
                    5_000, 0.05);
            var kill = faults.schedule(stack::killRedisMaster, 6, TimeUnit.SECONDS);

            var result = LoadRun.gatling(DuplicatedPaymentsSimulation.class, settings, results);
            var manifest = Manifest.read(settings.manifest());
            var report = LoadRun.drainAndVerify(stack, manifest);

            assertThat(kill.isDone()).as("the Redis master was killed during the run").isTrue();
            assertThat(result.status()).as("Gatling exit code (2 = an assertion failed)").isZero();
            assertThat(result.report()).isPresent();
            String stats = Files.readString(result.report().get().resolve("index.html"));
            assertThat(stats).contains("payment", "resend immediate", "resend delayed", "resend other key");
            assertThat(manifest.produced()).isBetween(1_900L, 2_300L); // 1,500 payments + about 30% resends
            assertThat(manifest.duplicates()).isBetween(500L, 800L);
            assertThat(report.leakedDuplicates()).as("leaked").isZero();
            assertThat(report.lost()).as("lost").isZero();
            assertThat(report.ledgerRows()).isEqualTo(manifest.unique()).isEqualTo(1_500L);
            assertThat(report.exactlyOnce()).as(report.human()).isTrue();
        } finally {
            faults.shutdownNow();
        }
    }
}
