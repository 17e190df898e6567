package io.quondam.load.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code PUT path} with a JSON body and a bearer token over keep-alive HTTP/1.1; an answer is complete when its
 * headers and {@code Content-Length} bytes of body have come, and it succeeded when its status is the expected one.
 */
final class HttpPut implements EventLoopLoad.Protocol {
    /** The path of request {@code sequence} on connection {@code connection}. */
    interface Paths {
        String path(int connection, long sequence);
    }

    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

    private final Paths paths;
    private final String headers;
    private final byte[] body;
    private final int expectedStatus;

    HttpPut(Paths paths, String token, String json, int expectedStatus) {
        this.paths = paths;
        this.body = json.getBytes(StandardCharsets.UTF_8);
        this.headers = " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        this.expectedStatus = expectedStatus;
    }

    @Override
    public List<byte[]> handshake() {
        return List.of();
    }

    @Override
    public byte[] request(int connection, long sequence) {
        byte[] head = ("PUT " + paths.path(connection, sequence) + headers).getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    @Override
    public int answerLength(ByteBuffer buffer, int limit) {
        int headersEnd = indexOf(buffer, HEADERS_END, 0, limit, false);
        if (headersEnd < 0) {
            return -1;
        }
        int field = indexOf(buffer, CONTENT_LENGTH, 0, headersEnd, true);
        if (field < 0) {
            throw new IllegalStateException("an answer without Content-Length (chunked answers are not read)");
        }
        int length = 0;
        for (int i = field + CONTENT_LENGTH.length; i < headersEnd && buffer.get(i) != '\r'; i++) {
            byte digit = buffer.get(i);
            if (digit >= '0' && digit <= '9') {
                length = length * 10 + digit - '0';
            }
        }
        int total = headersEnd + HEADERS_END.length + length;
        return limit >= total ? total : -1;
    }

    @Override
    public boolean succeeded(ByteBuffer buffer, int length) {
        // "HTTP/1.1 201 ..."
        int status = (buffer.get(9) - '0') * 100 + (buffer.get(10) - '0') * 10 + (buffer.get(11) - '0');
        return status == expectedStatus;
    }

    private static int indexOf(ByteBuffer buffer, byte[] wanted, int from, int to, boolean ignoreCase) {
        for (int i = from; i + wanted.length <= to; i++) {
            int j = 0;
            while (j < wanted.length && matches(buffer.get(i + j), wanted[j], ignoreCase)) {
                j++;
            }
            if (j == wanted.length) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(byte actual, byte wanted, boolean ignoreCase) {
        return actual == wanted || ignoreCase && actual >= 'A' && actual <= 'Z' && actual + ('a' - 'A') == wanted;
    }
}
