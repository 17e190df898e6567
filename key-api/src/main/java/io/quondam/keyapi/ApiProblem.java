package io.quondam.keyapi;

import java.util.Map;

/** An error a client can act on, answered as {@code application/problem+json} (RFC 7807) by {@link ProblemMapper}. */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String title;
    private final Map<String, String> headers;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ApiProblem(int status, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false); // no stack trace: this is an answer, not a bug
        this.status = status;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail);
    }

    static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer"));
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not Found", detail);
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail);
    }

    static ApiProblem unsupportedMediaType(String detail) {
        return new ApiProblem(415, "Unsupported Media Type", detail);
    }

    static ApiProblem unprocessable(String detail) {
        return new ApiProblem(422, "Unprocessable Content", detail);
    }
}
