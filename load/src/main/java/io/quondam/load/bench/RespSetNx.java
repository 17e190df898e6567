package io.quondam.load.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code SET key value NX PX ttl} in RESP, what redis-benchmark sends: the floor for one claim per request on a
 * connection. An answer is one line ({@code +OK}, or the nil bulk {@code $-1} when the key exists); it succeeded
 * when it is {@code +OK}.
 */
final class RespSetNx implements EventLoopLoad.Protocol {
    private final String keyPrefix;
    private final String password;
    private final String ttlMillis;

    RespSetNx(String keyPrefix, String password, long ttlMillis) {
        this.keyPrefix = keyPrefix;
        this.password = password;
        this.ttlMillis = Long.toString(ttlMillis);
    }

    @Override
    public List<byte[]> handshake() {
        return password.isEmpty() ? List.of() : List.of(command("AUTH", password));
    }

    @Override
    public byte[] request(int connection, long sequence) {
        return command("SET", keyPrefix + connection + ":" + sequence, "bench", "NX", "PX", ttlMillis);
    }

    @Override
    public int answerLength(ByteBuffer buffer, int limit) {
        for (int i = 1; i < limit; i++) {
            if (buffer.get(i - 1) == '\r' && buffer.get(i) == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    @Override
    public boolean succeeded(ByteBuffer buffer, int length) {
        return buffer.get(0) == '+';
    }

    private static byte[] command(String... parts) {
        var text = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String part : parts) {
            text.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part)
                    .append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
