package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SentinelConfigTest {

    @Test
    void shouldMonitorTheMasterBeforeTuningIt() {
        var config = new SentinelConfig(26379, Path.of("/stack/sentinel-26379"), "quondam", 16379, 2,
                "redis-pw", "sentinel-pw");

        assertThat(config.render().lines()).containsSubsequence(
                "port 26379",
                "requirepass sentinel-pw",
                "sentinel monitor quondam 127.0.0.1 16379 2",
                "sentinel auth-pass quondam redis-pw",
                "sentinel down-after-milliseconds quondam 1000",
                "sentinel failover-timeout quondam 5000",
                "sentinel parallel-syncs quondam 1");
    }
}
