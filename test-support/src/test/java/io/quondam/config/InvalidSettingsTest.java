package io.quondam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvalidSettingsTest {

    @Test
    void shouldLeaveOutRequiredSettingsAndGiveOthersValuesOfTheirKindToRefuse() {
        var cases = InvalidSettings.forEachSetting(
                Map.of("PASSWORD", Settings.Kind.REQUIRED, "MODE", Settings.Kind.CHOICE),
                Map.of(), Set.of());

        assertThat(cases).contains(new InvalidSettings.Case("PASSWORD", Optional.empty()),
                new InvalidSettings.Case("MODE", Optional.of("bogus")));
        assertThat(new InvalidSettings.Case("PASSWORD", Optional.empty())
                        .applyTo(Map.of("PASSWORD", "pw", "OTHER", "x")))
                .isEqualTo(Map.of("OTHER", "x"));
    }

    @Test
    void shouldInsistThatEveryFreeTextSettingSaysWhatItRefuses() {
        var read = Map.of("URL", Settings.Kind.TEXT, "USER", Settings.Kind.TEXT);

        assertThatThrownBy(() -> InvalidSettings.forEachSetting(read, Map.of(), Set.of("USER")))
                .hasMessageContaining("URL is read as free text");
        assertThat(InvalidSettings.forEachSetting(read, Map.of("URL", List.of("ftp://x")), Set.of("USER")))
                .containsExactly(new InvalidSettings.Case("URL", Optional.of("ftp://x")));
        assertThatThrownBy(() -> InvalidSettings.forEachSetting(read, Map.of("URL", List.of("x")),
                        Set.of("USER", "GONE")))
                .hasMessageContaining("not read by the service: [GONE]");
    }

    @Test
    void shouldMatchASettingNameOnlyAsAWholeWord() {
        var tokens = InvalidSettings.naming("QUONDAM_TOKENS");

        assertThat(tokens.matcher("QUONDAM_TOKENS: an entry is not tenant=token").find()).isTrue();
        assertThat(tokens.matcher("QUONDAM_TOKENS_FILE=/x cannot be read").find()).isFalse();
        assertThat(tokens.matcher("OLD_QUONDAM_TOKENS is gone").find()).isFalse();
    }
}
