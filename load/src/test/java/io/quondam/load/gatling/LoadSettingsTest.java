package io.quondam.load.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {

    @Test
    void shouldDefaultToTheStackOfStackShUp() {
        var settings = LoadSettings.from(new Properties());

        assertThat(settings.bootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(settings.topic()).isEqualTo("payments");
        assertThat(settings.duplicatePercent()).isEqualTo(30);
        assertThat(settings.shapes()).containsOnly(Map.entry(DuplicateShape.IMMEDIATE, 1),
                Map.entry(DuplicateShape.DELAYED, 1), Map.entry(DuplicateShape.OTHER_KEY, 1));
        assertThat(settings.maxFailedPercent()).isEqualTo(0.05);
    }

    @Test
    void shouldReadBackWhatItWritesAsSystemProperties() {
        var original = new LoadSettings("127.0.0.1:1234", "in", 50, Duration.ofSeconds(20), 40,
                Map.of(DuplicateShape.OTHER_KEY, 2, DuplicateShape.DELAYED, 1), Duration.ofMillis(1500), 9,
                java.nio.file.Path.of("m.txt"), "http://127.0.0.1:9", "t", 5, 800, 0.05);
        var properties = new Properties();
        properties.putAll(original.asProperties());

        var read = LoadSettings.from(properties);

        assertThat(read.shapes()).containsEntry(DuplicateShape.OTHER_KEY, 2).containsEntry(DuplicateShape.DELAYED, 1)
                .containsEntry(DuplicateShape.IMMEDIATE, 0);
        assertThat(read).usingRecursiveComparison().ignoringFields("shapes").isEqualTo(original);
    }

    @Test
    void shouldNameEveryBadSettingAtOnce() {
        var properties = new Properties();
        properties.setProperty("quondam.load.rate", "0");
        properties.setProperty("quondam.load.duplicate-shapes", "sideways=1");
        properties.setProperty("quondam.load.duration", "soon");

        assertThatThrownBy(() -> LoadSettings.from(properties)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rate").hasMessageContaining("sideways").hasMessageContaining("soon");
    }

    @Test
    void shouldRejectShapeWeightsThatAreAllZero() {
        assertThatThrownBy(() -> DuplicateShape.parseWeights("immediate=0,delayed=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 0");
    }
}
