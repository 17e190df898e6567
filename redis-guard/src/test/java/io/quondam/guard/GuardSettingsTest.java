package io.quondam.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

class GuardSettingsTest {

    @Test
    void shouldDefaultToTheNodeBesideIt() {
        var settings = Main.GuardSettings.from(Map.of("QUONDAM_GUARD_PASSWORD", "secret"));

        assertThat(settings.nodes()).containsExactly(new HostAndPort("127.0.0.1", 6379));
        assertThat(settings.priority()).isEqualTo(100);
        assertThat(settings.interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.sentinels()).isEmpty();
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
        assertThatThrownBy(() -> Main.GuardSettings.from(Map.of(
                "QUONDAM_GUARD_REDIS", "no-port",
                "QUONDAM_GUARD_PRIORITY", "0",
                "QUONDAM_GUARD_SENTINELS", "a:1,b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QUONDAM_GUARD_REDIS")
                .hasMessageContaining("QUONDAM_GUARD_PASSWORD is required")
                .hasMessageContaining("QUONDAM_GUARD_PRIORITY must be an integer from 1 to 255")
                .hasMessageContaining("QUONDAM_GUARD_SENTINELS");
    }
}
