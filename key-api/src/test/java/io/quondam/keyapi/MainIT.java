package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.stack.ShippedJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable key-api refuses a bad configuration at start-up, naming every problem, before it looks for Redis. */
class MainIT {

    @Test
    void shouldExitWithStatusTwoNamingEveryInvalidSetting() throws Exception {
        Path log = Path.of("target", "main-it", "bad-config.log");

        int status = ShippedJar.of("key-api").childJvm()
                .withEnvironment(Map.of("QUONDAM_TOKENS", "acme=t1", "QUONDAM_REDIS_PASSWORD", "pw",
                        "QUONDAM_HTTP_PORT", "eighty", "QUONDAM_REDIS_SENTINELS", "localhost"))
                .run(log, Duration.ofSeconds(60));

        assertThat(status).isEqualTo(2);
        assertThat(Files.readString(log))
                .contains("invalid configuration (2 problems)")
                .contains("QUONDAM_HTTP_PORT=eighty is not a whole number")
                .contains("QUONDAM_REDIS_SENTINELS: 'localhost' is not host:port");
    }
}
