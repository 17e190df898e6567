package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} as tools need it. It parses without a message in swagger-parser (what openapi-generator
 * reads documents with), and it keeps the rules a standard linter (Redocly's recommended set) once reported it broke:
 * every operation declares its security ({@code []} where a route is open on purpose), has a unique operationId and
 * a 4xx answer; the document names its servers and its licence.
 */
class OpenApiLintTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private static JsonNode document() throws Exception {
        return new ObjectMapper().readTree(OpenApiDocument.load());
    }

    private static void forEachOperation(JsonNode document, BiConsumer<String, JsonNode> check) {
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey())) {
                check.accept(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
    }

    @Test
    void shouldParseWithoutAMessage() {
        var options = new ParseOptions();
        options.setResolve(true);

        var result = new OpenAPIV3Parser().readContents(OpenApiDocument.load(), null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void shouldDeclareSecurityAUniqueOperationIdAndA4xxAnswerOnEveryOperation() throws Exception {
        var problems = new ArrayList<String>();
        var operationIds = new HashSet<String>();
        forEachOperation(document(), (name, operation) -> {
            if (!operation.has("security")) {
                problems.add(name + ": no security (declare [] if it is open on purpose)");
            }
            if (!operation.hasNonNull("operationId")) {
                problems.add(name + ": no operationId");
            } else if (!operationIds.add(operation.get("operationId").asText())) {
                problems.add(name + ": operationId " + operation.get("operationId") + " used twice");
            }
            List<String> codes = new ArrayList<>();
            operation.get("responses").fieldNames().forEachRemaining(codes::add);
            if (codes.stream().noneMatch(code -> code.startsWith("4"))) {
                problems.add(name + ": no 4xx answer");
            }
        });

        assertThat(problems).isEmpty();
        assertThat(operationIds).hasSize(10);
    }

    @Test
    void shouldNameItsServersAndItsLicence() throws Exception {
        var document = document();

        assertThat(document.path("servers")).isNotEmpty();
        assertThat(document.path("servers").get(0).path("url").asText()).startsWith("http");
        assertThat(document.path("info").path("license").path("name").asText()).isEqualTo("MIT");
    }
}
