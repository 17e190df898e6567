package io.quondam.load;

import io.gatling.app.Gatling$;
import io.quondam.load.gatling.LoadSettings;
import io.quondam.stack.Await;
import io.quondam.stack.LocalStack;
import io.quondam.testdata.CommittedRecords;
import io.quondam.testdata.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a simulation through Gatling's own entry point in this JVM, and afterwards lets the pipeline drain and has the
 * verifier count the ledger. Used by scripts/load.sh (through {@link LoadCli}) and by LoadRunIT.
 */
final class LoadRun {
    /** Gatling's exit codes: 0 success, 2 an assertion failed, anything else a broken run. */
    static final int GATLING_OK = 0;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration OUTPUTS_TIMEOUT = Duration.ofMinutes(1);

    /** One Gatling run: its exit code and the report it wrote. */
    record GatlingResult(int status, Optional<Path> report) {
        boolean passed() {
            return status == GATLING_OK;
        }

        String reportText() {
            return report.map(dir -> dir.resolve("index.html").toAbsolutePath().toString()).orElse("(no report)");
        }
    }

    private LoadRun() {
    }

    /**
     * Runs {@code simulation} with {@code settings} (handed over as system properties, which is how Gatling's
     * reflectively built simulations read them) and writes its report under {@code resultsDir}.
     */
    static synchronized GatlingResult gatling(Class<?> simulation, LoadSettings settings, Path resultsDir) {
        settings.asProperties().forEach(System::setProperty);
        try {
            Files.createDirectories(resultsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + resultsDir, e);
        }
        int status = Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", simulation.getName(),
                "--results-folder", resultsDir.toAbsolutePath().toString(),
                "--launcher", "quondam-load"});
        return new GatlingResult(status, newestReport(resultsDir, simulation.getSimpleName().toLowerCase()));
    }

    /**
     * Waits until the processor has committed the whole input and the ledger accounts for every forwarded record,
     * then compares the manifest with topics and ledger.
     */
    static VerificationReport drainAndVerify(LocalStack stack, Manifest manifest) throws Exception {
        awaitDrained(stack, manifest.produced());
        var ledger = stack.postgres();
        return Verifier.verify(manifest, new Verifier.Targets(stack.bootstrapServers(), Demo.OUTPUT,
                Demo.DEAD_LETTERS, Demo.DUPLICATES, ledger.jdbcUrl(), ledger.user(), ledger.password()));
    }

    /**
     * Waits until the processor has committed the whole input, its committed outputs (forwarded, duplicates, dead
     * letters) account for every produced record, and the ledger holds every forwarded record. The committed input
     * offsets alone run ahead of the outputs: a record waiting for its claim sits in the changelogged buffer, already
     * consumed. A record that never comes out must show as lost in the verification that follows, so the wait for
     * the outputs gives up after {@link #OUTPUTS_TIMEOUT} without failing.
     */
    private static void awaitDrained(LocalStack stack, long produced) throws Exception {
        try (var pipeline = new Pipeline(stack.bootstrapServers())) {
            pipeline.awaitCaughtUp(Demo.APPLICATION_ID, Demo.INPUT, DRAIN_TIMEOUT);
        }
        long deadline = System.nanoTime() + OUTPUTS_TIMEOUT.toNanos();
        long forwarded;
        while (true) {
            forwarded = committed(stack, Demo.OUTPUT);
            if (forwarded + committed(stack, Demo.DUPLICATES) + committed(stack, Demo.DEAD_LETTERS) >= produced
                    || System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(500);
        }
        var ledger = stack.postgres();
        long booked = forwarded;
        Await.until(DRAIN_TIMEOUT, () -> Ledger.accountedFor(ledger) >= booked,
                "the ledger to account for all " + booked + " forwarded records");
    }

    private static long committed(LocalStack stack, String topic) {
        return CommittedRecords.count(stack.bootstrapServers(), topic, Duration.ofMinutes(2));
    }

    /** Gatling names a run's directory {@code <simulation id>-<timestamp>}; the newest one is this run's. */
    private static Optional<Path> newestReport(Path resultsDir, String prefix) {
        try (Stream<Path> runs = Files.list(resultsDir)) {
            return runs.filter(dir -> dir.getFileName().toString().startsWith(prefix))
                    .filter(dir -> Files.exists(dir.resolve("index.html")))
                    .max(Comparator.comparing(dir -> dir.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
