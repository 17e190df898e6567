package io.quondam.dedup;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Locale;

/**
 * What one streaming pass over a JSON value found at a JSON pointer, without building a tree: the token of the value
 * there ({@code null} when the pointer leads nowhere) and its text when it is a string. The whole value is read, so a
 * parser that refuses duplicate fields refuses them anywhere in it, and anything after the value is refused.
 *
 * @param empty the value held no JSON at all (nothing, or only whitespace)
 */
record JsonPointerMatch(boolean empty, JsonToken type, String text) {

    static JsonPointerMatch find(JsonParser parser, JsonPointer pointer) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return new JsonPointerMatch(true, null, null);
        }
        JsonToken found = null;
        String text = null;
        // For each open container, what remains of the pointer inside it; null when the container is off the path.
        var remaining = new ArrayList<JsonPointer>();
        while (true) {
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                remaining.remove(remaining.size() - 1);
            } else if (token != JsonToken.FIELD_NAME) {
                JsonPointer here = remaining.isEmpty() ? pointer : inContainer(parser, token, last(remaining));
                if (here != null && here.matches()) {
                    found = token;
                    text = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                if (token.isStructStart()) {
                    remaining.add(here);
                }
            }
            if (remaining.isEmpty()) {
                break; // the root value is complete
            }
            token = parser.nextToken();
        }
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "unexpected content after the JSON value");
        }
        return new JsonPointerMatch(false, found, text);
    }

    /** What remains of the pointer at the current value, given what remained in its container. */
    private static JsonPointer inContainer(JsonParser parser, JsonToken token, JsonPointer container) {
        if (container == null) {
            return null;
        }
        // At a container's start token the parser's context is already the new container's: its parent places it.
        JsonStreamContext context = token.isStructStart() ? parser.getParsingContext().getParent()
                : parser.getParsingContext();
        return context.inArray() ? container.matchElement(context.getCurrentIndex())
                : container.matchProperty(context.getCurrentName());
    }

    private static JsonPointer last(ArrayList<JsonPointer> remaining) {
        return remaining.get(remaining.size() - 1);
    }

    /** The JSON type of a value token, as a message names it. */
    static String typeName(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_STRING -> "string";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }
}
