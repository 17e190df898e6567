package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.InvalidSettings;
import io.quondam.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LedgerConfigTest {

    /** Every setting the consumer reads, as its code reads it, each with the values it must refuse. */
    static List<InvalidSettings.Case> everyInvalidSetting() {
        var settings = Settings.of(Map.of());
        LedgerConfig.from(settings);
        return InvalidSettings.forEachSetting(settings.settingsRead(),
                Map.of("QUONDAM_DB_URL", List.of("jdbc:mysql://127.0.0.1/ledger", "postgres://127.0.0.1/ledger")),
                Set.of("QUONDAM_DB_PASSWORD"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyInvalidSetting")
    void shouldRefuseEveryInvalidSettingNamingIt(InvalidSettings.Case invalid) {
        var settings = Settings.of(invalid.applyTo(Map.of()));

        assertThatThrownBy(() -> LedgerConfig.from(settings)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                        .containsPattern(InvalidSettings.naming(invalid.name()))));
    }

    @Test
    void shouldNameEverySettingInOneErrorWhenAllAreInvalid() {
        var cases = everyInvalidSetting();

        assertThatThrownBy(() -> LedgerConfig.from(Settings.of(InvalidSettings.allAtOnce(Map.of(), cases))))
                .isInstanceOfSatisfying(ConfigException.class, e -> cases.stream().map(InvalidSettings.Case::name)
                        .forEach(name -> assertThat(e.getMessage()).containsPattern(InvalidSettings.naming(name))));
    }

    @Test
    void shouldRunAgainstTheLocalStackWithAnEmbeddedDatabaseByDefault() {
        var config = LedgerConfig.from(Settings.of(Map.of()));

        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(config.topic()).isEqualTo("payments.dedup");
        assertThat(config.groupId()).isEqualTo("quondam-ledger");
        assertThat(config.embeddedDb()).isTrue();
        assertThat(config.embeddedDbDir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "quondam-ledger-db"));
        assertThat(config.embeddedDbPort()).isEqualTo(15432);
        assertThat(config.dbUser()).isEqualTo("postgres");
        assertThat(config.httpPort()).isEqualTo(8082);
        assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.maxPollRecords()).isEqualTo(500);
    }

    @Test
    void shouldUseAGivenDatabaseAndPassConsumerSettingsThrough() {
        var config = LedgerConfig.from(Settings.of(Map.of(
                "QUONDAM_DB_URL", "jdbc:postgresql://db.internal:5432/ledger",
                "QUONDAM_DB_USER", "ledger",
                "QUONDAM_DB_PASSWORD", "s3cret",
                "QUONDAM_CONSUMER_SESSION_TIMEOUT_MS", "10000")));

        assertThat(config.embeddedDb()).isFalse();
        assertThat(config.dbPassword()).isEqualTo("s3cret");
        assertThat(config.consumerOverrides()).containsEntry("session.timeout.ms", "10000");
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(LedgerApp.consumerProperties(config))
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("session.timeout.ms", "10000");
    }

    @Test
    void shouldNameEveryInvalidSettingAtOnce() {
        var settings = Settings.of(Map.of(
                "QUONDAM_LEDGER_TOPIC", "",
                "QUONDAM_DB_URL", "jdbc:mysql://127.0.0.1/ledger",
                "QUONDAM_HTTP_PORT", "eighty",
                "QUONDAM_POLL_TIMEOUT", "soon",
                "QUONDAM_DB_RETRY_BACKOFF", "10s",
                "QUONDAM_DB_RETRY_MAX_BACKOFF", "1s",
                "QUONDAM_CONSUMER_ISOLATION_LEVEL", "read_uncommitted"));

        assertThatThrownBy(() -> LedgerConfig.from(settings))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "QUONDAM_LEDGER_TOPIC must not be empty",
                        "QUONDAM_POLL_TIMEOUT=soon is not a duration (examples: 500ms, 30s, 5m, 24h, 1d, PT30S)",
                        "QUONDAM_HTTP_PORT=eighty is not a whole number",
                        "QUONDAM_DB_URL=jdbc:mysql://127.0.0.1/ledger is not a PostgreSQL JDBC URL (example:"
                                + " jdbc:postgresql://127.0.0.1:5432/ledger); leave it empty for the embedded database",
                        "QUONDAM_DB_RETRY_MAX_BACKOFF (PT1S) must not be shorter than QUONDAM_DB_RETRY_BACKOFF (PT10S)",
                        "QUONDAM_CONSUMER_ISOLATION_LEVEL cannot be overridden: isolation.level is fixed by the"
                                + " ledger's exactly-once design or set by its own variable"));
    }

    @Test
    void shouldRefuseOutOfRangeNumbers() {
        var settings = Settings.of(Map.of("QUONDAM_DB_POOL_SIZE", "1", "QUONDAM_MAX_POLL_RECORDS", "0"));

        assertThatThrownBy(() -> LedgerConfig.from(settings))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "QUONDAM_DB_POOL_SIZE=1 is out of range [2, 64]",
                        "QUONDAM_MAX_POLL_RECORDS=0 is out of range [1, 10000]"));
    }
}
