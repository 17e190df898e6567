package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.InvalidSettings;
import io.quondam.config.Settings;
import io.quondam.store.RedisSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessorConfigTest {
    /** The least a dedup-processor needs; each case below breaks one setting of it. */
    private static final Map<String, String> VALID = Map.of("QUONDAM_REDIS_PASSWORD", "");

    /** Every setting the processor reads, as its code reads it, each with the values it must refuse. */
    static List<InvalidSettings.Case> everyInvalidSetting() {
        var settings = Settings.of(VALID);
        ProcessorConfig.from(settings);
        return InvalidSettings.forEachSetting(settings.settingsRead(),
                Map.of("QUONDAM_KEY_JSON_POINTER", List.of("paymentId"),
                        "QUONDAM_REDIS_TLS_TRUSTSTORE", List.of("/nonexistent/truststore.p12")),
                Set.of("QUONDAM_REDIS_USER", "QUONDAM_SENTINEL_PASSWORD", "QUONDAM_REDIS_TLS_TRUSTSTORE_PASSWORD"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyInvalidSetting")
    void shouldRefuseEveryInvalidSettingNamingIt(InvalidSettings.Case invalid) {
        var settings = Settings.of(invalid.applyTo(VALID));

        assertThatThrownBy(() -> ProcessorConfig.from(settings)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                        .containsPattern(InvalidSettings.naming(invalid.name()))));
    }

    @Test
    void shouldNameEverySettingInOneErrorWhenAllAreInvalid() {
        var cases = everyInvalidSetting();

        assertThatThrownBy(() -> ProcessorConfig.from(Settings.of(InvalidSettings.allAtOnce(VALID, cases))))
                .isInstanceOfSatisfying(ConfigException.class, e -> cases.stream().map(InvalidSettings.Case::name)
                        .forEach(name -> assertThat(e.getMessage()).containsPattern(InvalidSettings.naming(name))));
    }

    @Test
    void shouldRefuseDeadLettersOrDuplicatesOnTheOutputTopic() {
        var settings = Settings.of(Map.of("QUONDAM_REDIS_PASSWORD", "", "QUONDAM_DLQ_TOPIC", "payments.dedup",
                "QUONDAM_DUPLICATES_TOPIC", "payments.dedup"));

        assertThatThrownBy(() -> ProcessorConfig.from(settings))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "QUONDAM_DLQ_TOPIC must differ from QUONDAM_OUTPUT_TOPIC (both are payments.dedup)",
                        "QUONDAM_DUPLICATES_TOPIC must differ from QUONDAM_OUTPUT_TOPIC (both are payments.dedup)"));
    }

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
    void shouldDisableTaskIdlingUnlessTheUserSetsIt() {
        var defaults = DedupApp.streamsProperties(TestConfigs.config());
        var overridden = DedupApp.streamsProperties(TestConfigs.config("QUONDAM_STREAMS_MAX_TASK_IDLE_MS", "500"));

        assertThat(defaults.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(overridden.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("500");
        assertThat(overridden.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void shouldRefuseToOverrideTheGuaranteeOrWhatItsOwnVariablesSet() {
        var settings = Settings.of(Map.of("QUONDAM_REDIS_PASSWORD", "",
                "QUONDAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once",
                "QUONDAM_STREAMS_NUM_STREAM_THREADS", "4",
                "QUONDAM_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "10000"));

        assertThatThrownBy(() -> ProcessorConfig.from(settings))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2))
                .hasMessageContaining("QUONDAM_STREAMS_PROCESSING_GUARANTEE cannot be overridden")
                .hasMessageContaining("QUONDAM_STREAMS_NUM_STREAM_THREADS cannot be overridden");
    }

    @Test
    void shouldRejectWaitTimeoutNotShorterThanSocketTimeout() {
        var settings = Settings.of(Map.of("QUONDAM_REDIS_PASSWORD", "", "QUONDAM_WAIT_TIMEOUT", "5s"));

        assertThatThrownBy(() -> ProcessorConfig.from(settings))
                .hasMessageContaining("QUONDAM_WAIT_TIMEOUT (PT5S) must be shorter than QUONDAM_REDIS_SOCKET_TIMEOUT");
    }
}
