package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The key layout: one text cut into (namespace, key) at two different places never gives one Redis key twice, byte for
 * byte; every key has the same short length and no '{' (a Redis Cluster hashes it whole); and text that UTF-8 could
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
        byte[] one = RedisKeys.of(text.substring(0, a), text.substring(a));
        byte[] other = RedisKeys.of(text.substring(0, b), text.substring(b));

        assertThat(Arrays.equals(one, other)).as("(%s|%s) vs (%s|%s)", text.substring(0, a), text.substring(a),
                text.substring(0, b), text.substring(b)).isEqualTo(a == b);
    }

    @Property(tries = 500)
    void shouldGiveEveryKeyTheSameShortLengthAndNoHashTag(@ForAll("texts") String namespace,
                                                          @ForAll("texts") String key) {
        if (!WellFormedText.isWellFormed(namespace) || !WellFormedText.isWellFormed(key)) {
            return;
        }
        byte[] redisKey = RedisKeys.of(namespace, key + "-".repeat(key.length() * 20));

        assertThat(redisKey).hasSize(2 + RedisKeys.DIGEST_BYTES).startsWith('q', ':').doesNotContain('{');
    }

    @Example
    void shouldBeTheSha256OfTheNamespaceLengthTheNamespaceAndTheKey() {
        // sha256(00 00 00 08 "payments" "p1") begins with bece2a...; the key keeps its first 12 bytes.
        assertThat(HexFormat.of().formatHex(RedisKeys.of("payments", "p1")))
                .isEqualTo(HexFormat.of().formatHex("q:".getBytes(StandardCharsets.US_ASCII))
                        + "bece2adb0b6c93b17cbb8b0d");
    }
}
