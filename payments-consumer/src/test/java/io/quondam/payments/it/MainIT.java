package io.quondam.payments.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.stack.ShippedJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable consumer refuses a bad configuration at start-up, naming every problem. */
class MainIT {

    @Test
    void shouldExitWithStatusTwoNamingEveryInvalidSetting() throws Exception {
        Path log = Path.of("target", "main-it", "bad-config.log");

        int status = ShippedJar.of("payments-consumer").childJvm()
                .withEnvironment(Map.of("QUONDAM_DB_URL", "jdbc:mysql://127.0.0.1/ledger",
                        "QUONDAM_POLL_TIMEOUT", "soon"))
                .run(log, Duration.ofSeconds(60));

        assertThat(status).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains("invalid configuration (2 problems)")
                .contains("QUONDAM_DB_URL=jdbc:mysql://127.0.0.1/ledger is not a PostgreSQL JDBC URL")
                .contains("QUONDAM_POLL_TIMEOUT=soon is not a duration");
    }
}
