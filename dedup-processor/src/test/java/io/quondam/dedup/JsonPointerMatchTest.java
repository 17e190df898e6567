package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming pointer lookup finds what Jackson's tree finds, for every pair of these documents and pointers. */
class JsonPointerMatchTest {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper TREE = new ObjectMapper();

    private static final List<String> DOCUMENTS = List.of(
            "{\"paymentId\":\"p1\",\"account\":\"a\"}",
            "{\"account\":{\"paymentId\":\"inner\"},\"paymentId\":\"outer\"}",
            "{\"payment\":{\"id\":\"nested\",\"tags\":[\"x\",{\"id\":\"in-array\"}]}}",
            "{\"items\":[{\"id\":\"i0\"},{\"id\":\"i1\"},[\"deep\"]],\"0\":\"zero-field\"}",
            "[\"first\",{\"paymentId\":\"p\"},[null,\"x\"]]",
            "{\"a/b\":\"slash\",\"m~n\":\"tilde\",\"\":\"empty-name\"}",
            "{\"paymentId\":42,\"n\":null,\"t\":true,\"f\":1.5}",
            "{\"paymentId\":{\"id\":\"p\"},\"list\":[]}",
            "\"just a string\"",
            "17",
            "{\"paymentId\":\"esc\\\"aped \\u00e9\"}");

    private static final List<String> POINTERS = List.of("", "/paymentId", "/account/paymentId", "/payment/id",
            "/payment/tags/1/id", "/payment/tags/0", "/items/1/id", "/items/2/0", "/items/3", "/0", "/1/paymentId",
            "/2/1", "/a~1b", "/m~0n", "/", "/n", "/t", "/f", "/list/0", "/missing/deeper");

    static Stream<Arguments> pairs() {
        var pairs = new ArrayList<Arguments>();
        for (var document : DOCUMENTS) {
            for (var pointer : POINTERS) {
                pairs.add(Arguments.of(document, pointer));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("pairs")
    void shouldFindWhatTheTreeFinds(String document, String pointer) throws IOException {
        JsonNode expected = TREE.readTree(document).at(pointer);

        var match = find(document, pointer);

        assertThat(match.empty()).isFalse();
        if (expected.isMissingNode()) {
            assertThat(match.type()).isNull();
        } else {
            assertThat(match.type()).isNotNull();
            assertThat(JsonPointerMatch.typeName(match.type()))
                    .isEqualTo(expected.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            assertThat(match.text()).isEqualTo(expected.isTextual() ? expected.textValue() : null);
        }
    }

    @Test
    void shouldTellAnEmptyValue() throws IOException {
        assertThat(find("", "/paymentId").empty()).isTrue();
        assertThat(find("  \n ", "/paymentId").empty()).isTrue();
    }

    @Test
    void shouldRefuseASecondValueAfterTheFirst() {
        assertThatThrownBy(() -> find("{\"paymentId\":\"p1\"} {\"paymentId\":\"p2\"}", "/paymentId"))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> find("\"a\" \"b\"", "")).isInstanceOf(JsonParseException.class);
    }

    @Test
    void shouldReadTheWholeValueEvenAfterTheKey() {
        assertThatThrownBy(() -> find("{\"paymentId\":\"p1\",\"rest\":[1,2}", "/paymentId"))
                .isInstanceOf(JsonParseException.class);
    }

    private static JsonPointerMatch find(String document, String pointer) throws IOException {
        try (var parser = FACTORY.createParser(document)) {
            return JsonPointerMatch.find(parser, JsonPointer.compile(pointer));
        }
    }
}
