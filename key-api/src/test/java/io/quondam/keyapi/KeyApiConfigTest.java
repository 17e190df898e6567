package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyApiConfigTest {

    @Test
    void shouldReadDefaults() {
        var config = KeyApiConfig.read(Settings.of(Map.of("QUONDAM_TOKENS", "acme=t1", "QUONDAM_REDIS_PASSWORD", "pw")));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.maxTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.bodyLimitBytes()).isEqualTo(65536);
        assertThat(config.storeSessions()).isEqualTo(8);
        assertThat(config.tokens().tenantOf("t1")).contains("acme");
    }

    @Test
    void shouldReadTokensFromFileAndEnvironmentTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# tenants of the local stack\nacme=t1\n\n  globex=sha256:"
                + "a".repeat(64) + "  # by digest\n");

        var config = KeyApiConfig.read(Settings.of(Map.of("QUONDAM_TOKENS_FILE", file.toString(), "QUONDAM_TOKENS",
                "initech=t3", "QUONDAM_REDIS_PASSWORD", "pw", "QUONDAM_LEGACY_AUTH", "bearer")));

        assertThat(config.tokens().tenantOf("t1")).contains("acme");
        assertThat(config.tokens().tenantOf("t3")).contains("initech");
        assertThat(config.tokens().tenantOf("globex")).isEmpty();
        assertThat(config.legacyAuth()).isEqualTo(KeyApiConfig.LegacyAuth.BEARER);
    }

    @Test
    void shouldNameUnreadableTokensFile(@TempDir Path dir) {
        var settings = Settings.of(Map.of("QUONDAM_TOKENS_FILE", dir.resolve("absent").toString(),
                "QUONDAM_REDIS_PASSWORD", "pw", "QUONDAM_LEGACY_AUTH", "basic"));

        assertThatThrownBy(() -> KeyApiConfig.read(settings)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("QUONDAM_TOKENS_FILE"))
                        .anySatisfy(p -> assertThat(p).contains("QUONDAM_LEGACY_AUTH=basic")));
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
        var settings = Settings.of(Map.of("QUONDAM_HTTP_PORT", "x", "QUONDAM_KEY_TTL", "30d",
                "QUONDAM_MAX_KEY_TTL", "1d"));

        assertThatThrownBy(() -> KeyApiConfig.read(settings)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).hasSize(4).anySatisfy(p -> assertThat(p).contains("QUONDAM_TOKENS"))
                        .anySatisfy(p -> assertThat(p).contains("QUONDAM_HTTP_PORT"))
                        .anySatisfy(p -> assertThat(p).contains("QUONDAM_MAX_KEY_TTL"))
                        .anySatisfy(p -> assertThat(p).contains("QUONDAM_REDIS_PASSWORD")));
    }
}
