package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The key layout is injective: one text cut into (namespace, key) at two different places, from an alphabet made of
 * the layout's own separators and escapes, never gives one Redis key twice, byte for byte; and text that UTF-8 could
 * not carry unchanged (a lone surrogate) is refused.
 */
class RedisKeysPropertyTest {

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars('{', '}', ':', '%', '2', '5', '7', 'D', 'q', '?', '\ud800', '\udc00')
                .ofMinLength(0).ofMaxLength(12);
    }

    @Property(tries = 3000)
    void shouldNeverGiveTwoPairsOneRedisKey(@ForAll("texts") String text, @ForAll @IntRange(max = 12) int first,
                                            @ForAll @IntRange(max = 12) int second) {
        int a = Math.min(first, text.length());
        int b = Math.min(second, text.length());
        if (!WellFormedText.isWellFormed(text.substring(0, a)) || !WellFormedText.isWellFormed(text.substring(a))
                || !WellFormedText.isWellFormed(text.substring(0, b))
                || !WellFormedText.isWellFormed(text.substring(b))) {
            assertThatThrownBy(() -> {
                RedisKeys.of(text.substring(0, a), text.substring(a));
                RedisKeys.of(text.substring(0, b), text.substring(b));
            }).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        byte[] one = RedisKeys.of(text.substring(0, a), text.substring(a)).getBytes(StandardCharsets.UTF_8);
        byte[] other = RedisKeys.of(text.substring(0, b), text.substring(b)).getBytes(StandardCharsets.UTF_8);

        assertThat(Arrays.equals(one, other)).as("(%s|%s) vs (%s|%s)", text.substring(0, a), text.substring(a),
                text.substring(0, b), text.substring(b)).isEqualTo(a == b);
    }

    @Property(tries = 500)
    void shouldUseTheWholeNamespaceAsTheHashTag(@ForAll("texts") String namespace) {
        if (!WellFormedText.isWellFormed(namespace)) {
            return;
        }
        String key = RedisKeys.of(namespace, "k");
        // Redis hashes what lies between the first '{' and the first '}' after it.
        String tag = key.substring(key.indexOf('{') + 1, key.indexOf('}', key.indexOf('{')));

        assertThat(tag.replace("%7D", "}").replace("%25", "%")).isEqualTo(namespace);
    }
}
