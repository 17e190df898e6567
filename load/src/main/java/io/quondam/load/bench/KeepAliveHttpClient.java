package io.quondam.load.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection that sends a request and reads the whole answer, nothing else. The benchmark's
 * load generator shares the two cores with the server; the JDK HttpClient costs several times more CPU per request
 * than this, which would be measured as the server's slowness.
 */
final class KeepAliveHttpClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedInputStream in;
    private final String authorization;

    KeepAliveHttpClient(int port, String token) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
        this.authorization = "Authorization: Bearer " + token + "\r\n";
    }

    /** {@code PUT path} with a JSON body; returns the status code after reading the response body. */
    int put(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line();
        int length = 0;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(status.substring(9, 12));
    }

    private String line() throws IOException {
        var text = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r') {
                text.append((char) c);
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
