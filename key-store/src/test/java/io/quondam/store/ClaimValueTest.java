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
        // value.lua: an owner that cannot be mistaken for the full form's state letter stands alone.
        assertThat(ClaimValue.inProgress("4611686018427387904")).isEqualTo(bytes("4611686018427387904"));
        assertThat(ClaimValue.inProgress("payments-3@1187")).isEqualTo(bytes("payments-3@1187"));
        // Otherwise: state, owner and fingerprint lengths in bytes, then owner, fingerprint, response.
        assertThat(ClaimValue.inProgress("Payments-3@1187")).isEqualTo(bytes("P15|0|Payments-3@1187"));
        assertThat(ClaimValue.inProgress("Ü🙂")).isEqualTo(bytes("Ü🙂"));
        assertThat(ClaimValue.inProgress("")).isEqualTo(bytes("P0|0|"));
    }

    @Test
    void shouldReadTheOwnerOfAValueWhateverFollowsIt() {
        assertThat(ClaimValue.owner("payments", "k", bytes("C9|7|own|er-ü{\"x\":1}|response|"))).isEqualTo("own|er-ü");
        assertThat(ClaimValue.owner("payments", "k", ClaimValue.inProgress("A|b"))).isEqualTo("A|b");
        assertThat(ClaimValue.owner("payments", "k", ClaimValue.inProgress("a|b"))).isEqualTo("a|b");
        assertThat(ClaimValue.owner("payments", "k", bytes("P0|0|"))).isEmpty();
        assertThat(ClaimValue.owner("payments", "k", bytes("123"))).isEqualTo("123");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "P|0|a", "P1", "P1|", "P1|0", "P1|0a", "P5|0|abc", "Px|0|a",
            "P1234567890123456789|0|a"})
    void shouldRefuseAValueThatIsNotAClaim(String value) {
        assertThatThrownBy(() -> ClaimValue.owner("payments", "p1", bytes(value)))
                .isInstanceOf(KeyStoreException.class)
                .hasMessage("not a Quondam claim: payments/p1");
    }
}
