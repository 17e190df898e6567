package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.store.RedisSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

    @Test
    void shouldRunAgainstLocalStackWithDefaults() {
        var config = ProcessorConfig.from(Settings.of(Map.of("QUONDAM_REDIS_PASSWORD", "secret")));

        assertThat(config.inputTopic()).isEqualTo("payments");
        assertThat(config.outputTopic()).isEqualTo("payments.dedup");
        assertThat(config.deadLetterTopic()).isEqualTo("payments.dlq");
        assertThat(config.auditDuplicates()).isFalse();
        assertThat(config.keySource()).isEqualTo(KeySource.JSON_POINTER);
        assertThat(config.keyPointer().toString()).isEqualTo("/paymentId");
        assertThat(config.namespace()).isEqualTo("payments");
        assertThat(config.keyTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.durability()).isEqualTo(DurabilityMode.PER_COMMIT);
        assertThat(config.redis().mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(config.redis().toString()).doesNotContain("secret");
    }

    @Test
    void shouldNameEveryMissingOrInvalidSettingInOneError() {
        var settings = Settings.of(Map.of(
                "QUONDAM_DURABILITY", "always",
                "QUONDAM_KEY_SOURCE", "body",
                "QUONDAM_KEY_TTL", "forever",
                "QUONDAM_STREAM_THREADS", "0",
                "QUONDAM_REDIS_SENTINELS", "localhost",
                "QUONDAM_OUTPUT_TOPIC", "payments"));

        assertThatThrownBy(() -> ProcessorConfig.from(settings))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(7))
                .hasMessageContaining("QUONDAM_DURABILITY=always")
                .hasMessageContaining("QUONDAM_KEY_SOURCE=body")
                .hasMessageContaining("QUONDAM_KEY_TTL=forever")
                .hasMessageContaining("QUONDAM_STREAM_THREADS=0")
                .hasMessageContaining("QUONDAM_REDIS_SENTINELS: 'localhost'")
                .hasMessageContaining("QUONDAM_REDIS_PASSWORD is missing")
                .hasMessageContaining("must differ from QUONDAM_INPUT_TOPIC");
    }

    @Test
    void shouldRejectWaitTimeoutNotShorterThanSocketTimeout() {
        var settings = Settings.of(Map.of("QUONDAM_REDIS_PASSWORD", "", "QUONDAM_WAIT_TIMEOUT", "5s"));

        assertThatThrownBy(() -> ProcessorConfig.from(settings))
                .hasMessageContaining("QUONDAM_WAIT_TIMEOUT (PT5S) must be shorter than QUONDAM_REDIS_SOCKET_TIMEOUT");
    }
}
