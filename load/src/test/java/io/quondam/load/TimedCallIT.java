package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.load.gatling.LoadSettings;
import io.quondam.load.gatling.SlowCallSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A 200 ms call timed by TimedCall shows as 200 ms in Gatling's stats, and failed calls as KO (a few seconds). */
class TimedCallIT {

    @Test
    void shouldRecordEachCallsOwnDurationAndFailures() throws Exception {
        var result = LoadRun.gatling(SlowCallSimulation.class, LoadSettings.fromSystemProperties(),
                Path.of("target", "timed-call-it"));

        assertThat(result.status()).as("Gatling exit code: 2 means SlowCallSimulation's assertions failed").isZero();
        assertThat(Files.readString(result.report().orElseThrow().resolve("index.html")))
                .contains("slow call", "failing call", "throwing call");
    }
}
