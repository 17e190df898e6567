package io.quondam.keyapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.javalin.http.Context;
import java.util.Locale;

/** Reads request bodies as JSON and writes JSON answers; a body a client got wrong becomes a 400 or 415 problem. */
final class JsonBodies {
    static final ObjectMapper MAPPER = new ObjectMapper();

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
        } catch (java.io.IOException e) {
            throw ApiProblem.badRequest("the body is not valid JSON"); // Jackson's message would echo the payload
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        return node;
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
