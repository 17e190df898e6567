package io.quondam.keyapi;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.quondam.store.KeyStoreUnavailableException;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where every error becomes {@code application/problem+json}: type, title, status and detail. */
final class ProblemMapper {
    private static final Logger log = LoggerFactory.getLogger(ProblemMapper.class);
    static final String RETRY_AFTER_SECONDS = "2";
    static final String CONTENT_TYPE = "application/problem+json";

    private ProblemMapper() {
    }

    static void handle(Exception thrown, Context ctx) {
        // An answer that came from the store's future carries its failure as the cause.
        Exception exception = thrown instanceof CompletionException && thrown.getCause() instanceof Exception cause
                ? cause : thrown;
        if (exception instanceof ApiProblem problem) {
            problem.headers().forEach(ctx::header);
            write(ctx, problem.status(), problem.title(), problem.detail());
        } else if (exception instanceof KeyStoreUnavailableException) {
            // Redis is down or failing over after the store's bounded retries: the client may simply try again.
            log.warn("key store unavailable on {} {}", ctx.method(), routeOf(ctx));
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            write(ctx, 503, "Service Unavailable", "the key store is unavailable; try again later");
        } else if (unreadableBody(exception)) {
            // The client's framing, not a server failure: no stack trace, no ERROR.
            log.debug("unreadable request body on {} {}: {}", ctx.method(), routeOf(ctx), exception.toString());
            write(ctx, 400, "Bad Request", "the request body could not be read: it ended before its Content-Length"
                    + " or its chunked encoding is malformed");
        } else if (exception instanceof HttpResponseException http) {
            // Javalin's own answers: 404/405 for unknown routes, 413 for a body over the limit.
            write(ctx, http.getStatus(), titleOf(http.getStatus()), detailOf(http.getStatus()));
        } else {
            log.error("unexpected failure on {} {}", ctx.method(), routeOf(ctx), exception);
            write(ctx, 500, "Internal Server Error", "an unexpected error occurred");
        }
    }

    /** Jetty failed to read the body: it ended early (EOF) or its framing is bad (a 4xx HTTP exception). */
    private static boolean unreadableBody(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof EofException
                    || cause instanceof org.eclipse.jetty.http.HttpException http && http.getCode() / 100 == 4) {
                return true;
            }
        }
        return false;
    }

    /** For statuses Javalin sets without an exception (no route matched). */
    static void handleStatus(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith(CONTENT_TYPE)) {
            return;
        }
        int status = ctx.statusCode();
        write(ctx, status, titleOf(status), detailOf(status));
    }

    static void write(Context ctx, int status, String title, String detail) {
        ctx.status(status).contentType(CONTENT_TYPE).result(body(status, title, detail));
    }

    /** A problem for a status alone, for answers Jetty gives before a request reaches Javalin. */
    static String body(int status) {
        return body(status, titleOf(status), detailOf(status));
    }

    private static String body(int status, String title, String detail) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return JsonBodies.write(body);
    }

    static String routeOf(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    private static String detailOf(int status) {
        return switch (status) {
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed here";
            case 413 -> "the request body is too large";
            case 400 -> "the request is malformed";
            case 414 -> "the request target is too long";
            case 431 -> "the request headers are too large";
            default -> "the request failed";
        };
    }
}
