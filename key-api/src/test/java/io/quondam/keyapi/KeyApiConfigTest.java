package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.InvalidSettings;
import io.quondam.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KeyApiConfigTest {
    /** The least a key-api needs; each case below breaks one setting of it. */
    private static final Map<String, String> VALID = Map.of("QUONDAM_TOKENS", "acme=t1",
            "QUONDAM_REDIS_PASSWORD", "pw");

    /** Every setting the key-api reads, as its code reads it, each with the values it must refuse. */
    static List<InvalidSettings.Case> everyInvalidSetting() {
        var settings = Settings.of(VALID);
        KeyApiConfig.read(settings);
        return InvalidSettings.forEachSetting(settings.settingsRead(),
                Map.of("QUONDAM_TOKENS", List.of("", "acme", "=t1", "bad tenant=t1", "acme=sha256:abc"),
                        "QUONDAM_TOKENS_FILE", List.of("/nonexistent/quondam-tokens"),
                        "QUONDAM_REDIS_TLS_TRUSTSTORE", List.of("/nonexistent/truststore.p12")),
                Set.of("QUONDAM_REDIS_USER", "QUONDAM_SENTINEL_PASSWORD", "QUONDAM_REDIS_TLS_TRUSTSTORE_PASSWORD"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyInvalidSetting")
    void shouldRefuseEveryInvalidSettingNamingIt(InvalidSettings.Case invalid) {
        var settings = Settings.of(invalid.applyTo(VALID));

        assertThatThrownBy(() -> KeyApiConfig.read(settings)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                        .containsPattern(InvalidSettings.naming(invalid.name()))));
    }

    @Test
    void shouldNameEverySettingInOneErrorWhenAllAreInvalid() {
        var cases = everyInvalidSetting();

        assertThatThrownBy(() -> KeyApiConfig.read(Settings.of(InvalidSettings.allAtOnce(VALID, cases))))
                .isInstanceOfSatisfying(ConfigException.class, e -> cases.stream().map(InvalidSettings.Case::name)
                        .forEach(name -> assertThat(e.getMessage()).containsPattern(InvalidSettings.naming(name))));
    }

    @Test
    void shouldReadDefaults() {
        var config = KeyApiConfig.read(Settings.of(Map.of("QUONDAM_TOKENS", "acme=t1",
                "QUONDAM_REDIS_PASSWORD", "pw")));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.maxTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.bodyLimitBytes()).isEqualTo(65536);
        assertThat(config.storeSessions()).isEqualTo(8);
        assertThat(config.legacyAuth()).as("legacy routes need a token unless opted out")
                .isEqualTo(KeyApiConfig.LegacyAuth.BEARER);
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
