package io.quondam.keyapi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty rejects some requests before Javalin sees them (a path that is not valid UTF-8, an ambiguous path, headers
 * over the limit); this makes those answers problem+json too, without Jetty's messages or stack traces.
 */
final class JettyProblemHandler extends ErrorHandler {

    /** Jetty writes error bodies only for GET and POST by default; every method of this API gets its problem. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemMapper.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(ProblemMapper.body(code).getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ProblemMapper.CONTENT_TYPE);
        return ByteBuffer.wrap(ProblemMapper.body(status).getBytes(StandardCharsets.UTF_8));
    }
}
