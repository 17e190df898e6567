package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimValueTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTheValueFormatOfTheScripts() {
        // value.lua: state, claim time, owner and fingerprint lengths in bytes, then owner, fingerprint, response.
        assertThat(new String(ClaimValue.inProgress(1_700_000_000_123L, "payments-3@1187"), StandardCharsets.UTF_8))
                .isEqualTo("P1700000000123|15|0|payments-3@1187");
        assertThat(ClaimValue.inProgress(5, "ü🙂")).isEqualTo(bytes("P5|6|0|ü🙂"));
    }

    @Test
    void shouldReadTheOwnerOfAValueWhateverFollowsIt() {
        var holder = ClaimValue.holder("k", bytes("C1700000000123|9|7|own|er-ü{\"x\":1}|response|"));

        assertThat(holder.owner()).isEqualTo("own|er-ü");
        assertThat(holder.claimedAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(ClaimValue.holder("k", ClaimValue.inProgress(42, "a|b")).owner()).isEqualTo("a|b");
        assertThat(ClaimValue.holder("k", bytes("P42|0|0|")).owner()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "p42|1|0|a", "P|1|0|a", "P42", "P42|", "P42|1", "P42|1|0", "P42|1|0a", "P42|5|0|abc",
            "P42|x|0|a", "P1234567890123456789|1|0|a", "{\"owner\":\"a\"}"})
    void shouldRefuseAValueThatIsNotAClaim(String value) {
        assertThatThrownBy(() -> ClaimValue.holder("q:{payments}:p1", bytes(value)))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("not a Quondam claim: q:{payments}:p1");
    }
}
