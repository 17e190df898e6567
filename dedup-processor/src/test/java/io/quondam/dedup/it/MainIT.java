package io.quondam.dedup.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.stack.ShippedJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable processor refuses a bad configuration at start-up, naming every problem. */
class MainIT {

    @Test
    void shouldExitWithStatusTwoNamingEveryInvalidSetting() throws Exception {
        Path log = Path.of("target", "main-it", "bad-config.log");

        int status = ShippedJar.of("dedup-processor").childJvm()
                .withEnvironment(Map.of("QUONDAM_DURABILITY", "sometimes", "QUONDAM_KEY_TTL", "forever"))
                .run(log, Duration.ofSeconds(60));

        assertThat(status).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains("QUONDAM_DURABILITY=sometimes is not one of [per-commit, per-record, none]")
                .contains("QUONDAM_KEY_TTL=forever is not a duration");
    }
}
