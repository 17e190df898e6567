package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * End to end, as scripts/demo.sh runs it but smaller: generator → dedup-processor → payments-consumer → PostgreSQL,
 * with the Redis master and the processor killed mid-stream, then the verifier counts the ledger exactly.
 */
class DemoIT {

    @Test
    void shouldBookEachPaymentExactlyOnceThroughFailoverAndProcessorCrash() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "demo-it"));
        var output = new ByteArrayOutputStream();
        Demo.Outcome outcome;
        try (var stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Demo.topics()))) {
            stack.startPostgres();
            outcome = new Demo(stack, new PrintStream(output, true, StandardCharsets.UTF_8))
                    .run(new Demo.Options(8_000, 30, 1, 7, 2_000));
        }

        var report = outcome.report();
        assertThat(report.leakedDuplicates()).as("leaked").isZero();
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.ledgerRows()).isEqualTo(report.uniquePayments()).isEqualTo(5_520);
        assertThat(report.deadLettered()).isEqualTo(80);
        assertThat(report.invariantHolds()).isTrue();
        assertThat(outcome.redisFailovers()).isEqualTo(1);
        assertThat(outcome.processorRestarts()).isEqualTo(1);
        assertThat(outcome.json()).startsWith("{\"produced\":8000,\"uniquePayments\":5520,");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("killed the Redis master", "killed the dedup-processor");
    }
}
