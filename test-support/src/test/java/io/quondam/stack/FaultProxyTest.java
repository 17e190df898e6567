package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
    /** Long enough never to fire on a working connection; it only turns a broken test into a failure, not a hang. */
    private static final int GENEROUS_TIMEOUT_MILLIS = 5_000;

    private EchoServer echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoBehindProxy() throws IOException {
        echo = EchoServer.start();
        proxy = FaultProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void shouldEchoThroughTheProxyInPassMode() throws IOException {
        try (var client = connect()) {
            assertThat(roundTrip(client, "ping")).isEqualTo("ping");
            assertThat(roundTrip(client, "pong")).isEqualTo("pong");
        }

        assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void shouldHoldBackEachDirectionForTheDelay() throws IOException {
        try (var client = connect()) {
            roundTrip(client, "warm-up");
            proxy.delay(Duration.ofMillis(200));

            long start = System.nanoTime();
            assertThat(roundTrip(client, "slow")).isEqualTo("slow");

            // Request and reply are each held back 200 ms.
            // Only a lower bound: an upper one would fail on a busy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void shouldSwallowBytesInBlackholeModeAndServeNewConnectionsAfterPass() throws IOException {
        try (var client = connect()) {
            roundTrip(client, "before");
            proxy.blackhole();

            client.setSoTimeout(300);
            send(client, "lost");
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        try (var swallowed = connect()) {
            swallowed.setSoTimeout(300);
            send(swallowed, "lost too");
            assertThatThrownBy(() -> swallowed.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }

        proxy.pass();

        try (var client = connect()) {
            assertThat(roundTrip(client, "after")).isEqualTo("after");
        }
    }

    @Test
    void shouldCloseOpenConnectionsAndRefuseNewOnesInDropMode() throws IOException {
        try (var client = connect()) {
            roundTrip(client, "before"); // the proxy has accepted it, so drop() sees it
            proxy.drop();

            assertThat(readUntilClosed(client)).isTrue();
        }
        try (var refused = connect()) { // the handshake completes in the kernel, before the proxy sees it
            assertThat(readUntilClosed(refused)).isTrue();
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void shouldFreeItsPortAndStopItsThreadsOnClose() throws IOException {
        int port = proxy.port();
        try (var client = connect()) {
            roundTrip(client, "before");

            proxy.close();

            assertThat(readUntilClosed(client)).isTrue();
        }
        try (var rebound = new ServerSocket()) {
            rebound.setReuseAddress(true); // the closed connections may linger in TIME_WAIT on this port
            rebound.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
        Await.until(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("fault-proxy-" + port + "-")),
                "the proxy's threads to end");
    }

    private Socket connect() throws IOException {
        var socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(GENEROUS_TIMEOUT_MILLIS);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        var reply = new byte[text.getBytes(StandardCharsets.UTF_8).length];
        new DataInputStream(socket.getInputStream()).readFully(reply);
        return new String(reply, StandardCharsets.UTF_8);
    }

    /** True once the peer has closed: end of stream or a reset. A timeout means the connection is still open. */
    private static boolean readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // Whatever was still in flight before the close.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // "Connection reset"
        }
    }

    /** Sends back every byte it receives, one thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener;

        private EchoServer(ServerSocket listener) {
            this.listener = listener;
        }

        static EchoServer start() throws IOException {
            var server = new EchoServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
            daemon("echo-accept", server::acceptUntilClosed).start();
            return server;
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptUntilClosed() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    daemon("echo-" + socket.getPort(), () -> echo(socket)).start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void echo(Socket socket) {
            try (socket) {
                socket.getInputStream().transferTo(socket.getOutputStream());
            } catch (IOException e) {
                // The proxy reset the connection: nothing left to echo.
            }
        }

        private static Thread daemon(String name, Runnable body) {
            var thread = new Thread(body, name);
            thread.setDaemon(true);
            return thread;
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
