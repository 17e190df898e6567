package io.quondam.keyapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.javalin.http.Context;
import io.quondam.store.WellFormedText;
import java.util.Locale;

/** Reads request bodies as JSON and writes JSON answers; a body a client got wrong becomes a 400 or 415 problem. */
final class JsonBodies {
    /**
     * Strict, like the processor: a member given twice is refused (which one the client meant cannot be known), and so
     * is anything after the object but white space.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    /** The body as a JSON object; an empty body is an empty object when {@code optional}. */
    static JsonNode object(Context ctx, boolean optional) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            if (optional) {
                return MAPPER.createObjectNode();
            }
            throw ApiProblem.badRequest("a JSON object is required");
        }
        String type = ctx.contentType();
        if (type == null || !isJson(type)) {
            throw ApiProblem.unsupportedMediaType("send the body as application/json");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's message would echo the payload: say what is wrong in our words.
            String reason = String.valueOf(e.getOriginalMessage());
            if (reason.startsWith("Duplicate field")) {
                throw ApiProblem.badRequest("the body gives a member more than once; which one is meant cannot be"
                        + " known");
            }
            if (e instanceof MismatchedInputException && reason.startsWith("Trailing token")) {
                throw ApiProblem.badRequest("the body has data after its JSON object");
            }
            throw ApiProblem.badRequest("the body is not valid JSON");
        } catch (java.io.IOException e) {
            throw ApiProblem.badRequest("the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        if (!wellFormed(node)) {
            throw ApiProblem.badRequest("the body holds a string that is not well-formed Unicode: an escaped lone"
                    + " surrogate such as \\ud800, which would be stored as '?'");
        }
        return node;
    }

    /** Every member name and string in {@code node} is a sequence of Unicode scalar values. */
    private static boolean wellFormed(JsonNode node) {
        if (node.isTextual()) {
            return WellFormedText.isWellFormed(node.textValue());
        }
        var members = node.fields();
        while (members.hasNext()) {
            var member = members.next();
            if (!WellFormedText.isWellFormed(member.getKey()) || !wellFormed(member.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!wellFormed(element)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return base.equals("application/json") || base.endsWith("+json");
    }

    /** A text field, or {@code null} when absent or JSON null; any other type is a 400. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest("'" + field + "' must be a string");
        }
        return value.asText();
    }

    static JsonNode any(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null ? NullNode.getInstance() : value;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
    }

    static JsonNode parseStored(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response is not JSON", e);
        }
    }

    static void answer(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }
}
