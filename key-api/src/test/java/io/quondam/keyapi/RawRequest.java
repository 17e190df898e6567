package io.quondam.keyapi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP/1.1 request as the bytes a client writes, so that a test can send what a well-behaved client never would:
 * an odd method, a target that is not a valid URI, a header far over the size limit.
 */
record RawRequest(String method, String target, List<Header> headers, byte[] body) {

    record Header(String name, String value) {
    }

    RawRequest {
        headers = List.copyOf(headers);
    }

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** One request per connection: the server closes it after answering, which marks the end of the answer. */
    byte[] bytes(String host) {
        var head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach(h -> head.append(h.name()).append(": ").append(h.value()).append("\r\n"));
        if (body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        var out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Shortened, so that a failing sample stays readable in the report. */
    @Override
    public String toString() {
        return method + " " + abbreviate(target) + " " + headers.stream()
                .map(h -> h.name() + ": " + abbreviate(h.value())).toList()
                + " body(" + body.length + " bytes)=" + abbreviate(new String(body, StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...(" + text.length() + " chars)";
    }
}
