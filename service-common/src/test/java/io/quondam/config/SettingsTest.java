package io.quondam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    enum Mode { PER_COMMIT, PER_RECORD, NONE }

    @Test
    void shouldParseDurationsInShortAndIsoForm() {
        assertThat(Settings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Settings.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Settings.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Settings.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(Settings.parseDuration("soon")).isNull();
    }

    @Test
    void shouldMapWordsToEnumConstants() {
        var settings = Settings.of(Map.of("MODE", "per-record"));

        assertThat(settings.choice("MODE", Mode.PER_COMMIT, Mode.class)).isEqualTo(Mode.PER_RECORD);
        settings.validate();
    }

    @Test
    void shouldNameEveryProblemInOneError() {
        var settings = Settings.of(Map.of("MODE", "sometimes", "THREADS", "many", "TTL", "-1s", "HOSTS", "nohost"));

        settings.choice("MODE", Mode.PER_COMMIT, Mode.class);
        settings.integer("THREADS", 1, 1, 64);
        settings.duration("TTL", "24h", Duration.ofSeconds(1), Duration.ofDays(30));
        settings.addresses("HOSTS", "127.0.0.1:1");
        settings.required("PASSWORD", "the password");

        assertThatThrownBy(settings::validate)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5))
                .hasMessageContaining("MODE=sometimes is not one of [per-commit, per-record, none]")
                .hasMessageContaining("THREADS=many")
                .hasMessageContaining("TTL=-1s")
                .hasMessageContaining("HOSTS: 'nohost' is not host:port")
                .hasMessageContaining("PASSWORD is missing");
    }

    @Test
    void shouldAcceptExplicitlyEmptyRequiredSetting() {
        var settings = Settings.of(Map.of("PASSWORD", ""));

        assertThat(settings.required("PASSWORD", "the password")).isEmpty();
        settings.validate();
    }

    @Test
    void shouldRefuseMalformedAddressTopicAndPath() {
        var settings = Settings.of(Map.of("REDIS", "localhost", "INPUT", "pay ments", "AUDIT", "..", "STATE", "a\0b"));

        settings.address("REDIS", "127.0.0.1:6379");
        settings.topic("INPUT", "payments");
        settings.optionalTopic("AUDIT");
        settings.path("STATE", "/tmp/state");

        assertThatThrownBy(settings::validate)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("REDIS: 'localhost' is not host:port")
                .hasMessageContaining("INPUT=pay ments is not a Kafka topic name")
                .hasMessageContaining("AUDIT=.. is not a Kafka topic name")
                .hasMessageContaining("STATE=a\0b is not a valid path");
    }

    @Test
    void shouldAcceptAnOptionalTopicLeftEmptyButNotARequiredOne() {
        var settings = Settings.of(Map.of("INPUT", ""));

        assertThat(settings.optionalTopic("AUDIT")).isEmpty();
        settings.topic("INPUT", "payments");

        assertThatThrownBy(settings::validate).hasMessageContaining("INPUT must not be empty");
    }

    @Test
    void shouldListEverySettingReadWithItsKind() {
        var settings = Settings.of(Map.of());

        settings.integer("THREADS", 1, 1, 64);
        settings.string("USER", "");
        settings.required("PASSWORD", "the password");
        settings.choice("MODE", Mode.PER_COMMIT, Mode.class);

        assertThat(settings.settingsRead()).containsExactly(Map.entry("THREADS", Settings.Kind.INTEGER),
                Map.entry("USER", Settings.Kind.TEXT), Map.entry("PASSWORD", Settings.Kind.REQUIRED),
                Map.entry("MODE", Settings.Kind.CHOICE));
    }

    @Test
    void shouldRefuseOnlyThePassThroughPropertiesThatAreFixed() {
        var settings = Settings.of(Map.of("QUONDAM_X_GROUP_ID", "other", "QUONDAM_X_SESSION_TIMEOUT_MS", "10000"));
        var overrides = settings.passThrough("QUONDAM_X_");

        settings.refuseFixed("QUONDAM_X_", overrides, java.util.Set.of("group.id"), "design");

        assertThat(overrides).containsEntry("session.timeout.ms", "10000");
        assertThatThrownBy(settings::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(
                e.problems()).containsExactly("QUONDAM_X_GROUP_ID cannot be overridden: group.id is fixed by design"));
    }
}
