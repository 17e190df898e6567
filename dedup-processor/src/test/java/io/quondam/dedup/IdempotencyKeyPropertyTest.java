package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Random keys, valid and invalid UTF-16 alike, written into JSON as escapes (the only way a lone surrogate reaches
 * the processor): an accepted key is exactly the text that was sent and survives the UTF-8 trip to Redis unchanged,
 * so two distinct accepted keys never become one Redis key; a key with a lone surrogate is refused as invalid-key.
 */
class IdempotencyKeyPropertyTest {
    private final IdempotencyKeyExtractor extractor = new IdempotencyKeyExtractor(TestConfigs.config());
    /** Redis keys (as UTF-8) of the keys accepted so far, across tries, each with the key that made it. */
    private static final Map<String, String> ACCEPTED = new HashMap<>();

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<Character> surrogates = Arbitraries.chars().range('\ud7f0', '\ue010');
        Arbitrary<Character> anyChar = Arbitraries.chars().range('\u0001', '\uffff');
        Arbitrary<Character> lookalikes = Arbitraries.of('K', '-', '?');
        return Arbitraries.frequencyOf(Tuple.of(3, surrogates), Tuple.of(1, lookalikes), Tuple.of(1, anyChar))
                .list().ofMinSize(1).ofMaxSize(6).map(chars -> {
                    var text = new StringBuilder();
                    chars.forEach(text::append);
                    return text.toString();
                });
    }

    @Property(tries = 2000)
    void shouldAcceptOnlyKeysThatSurviveUtf8AndRefuseLoneSurrogates(@ForAll("keys") String key) {
        var escaped = new StringBuilder("{\"paymentId\":\"");
        key.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
        byte[] value = escaped.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
        boolean wellFormed = key.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);

        String accepted;
        try {
            accepted = extractor.extract(null, value, new RecordHeaders());
        } catch (BadRecordException e) {
            Statistics.label("outcome").collect(e.reason().code());
            if (!wellFormed) {
                assertThat(e.reason()).as("reason for %s", escaped).isEqualTo(BadRecordReason.INVALID_KEY);
            }
            return;
        }
        Statistics.label("outcome").collect("accepted");
        assertThat(wellFormed).as("accepted %s", escaped).isTrue();
        assertThat(accepted).isEqualTo(key);
        String redisKey = new String(accepted.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String earlier = ACCEPTED.putIfAbsent(redisKey, accepted);
        assertThat(earlier == null || earlier.equals(accepted)).as("%s and %s map to one Redis key", earlier, accepted)
                .isTrue();
    }
}
