package io.quondam.stack;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client connection accepted by a {@link FaultProxy} and its connection to the target, relayed in both directions.
 * It closes itself once both directions have passed on their end of stream, or at once when either fails.
 */
final class ProxiedConnection {
    private final Socket client;
    private final Socket target;
    private final Relay toTarget;
    private final Relay toClient;
    private final Consumer<ProxiedConnection> onClosed;
    private final AtomicInteger openDirections = new AtomicInteger(2);
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxiedConnection(Socket client, Socket target, Supplier<ProxyMode> mode, String threadName,
                      Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.target = target;
        this.onClosed = onClosed;
        this.toTarget = new Relay(client, target, mode, this, threadName + "-to-target");
        this.toClient = new Relay(target, client, mode, this, threadName + "-to-client");
    }

    void start() {
        toTarget.start();
        toClient.start();
    }

    /** Called by a relay once it has passed its end of stream on. */
    void directionEnded() {
        if (openDirections.decrementAndGet() == 0) {
            close(false);
        }
    }

    /** Closes both sockets with a reset, as a dropped route or a crashed peer would. */
    void abort() {
        close(true);
    }

    private void close(boolean reset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeSocket(client, reset);
        closeSocket(target, reset);
        toTarget.interrupt();
        toClient.interrupt();
        onClosed.accept(this);
    }

    static void closeSocket(Socket socket, boolean reset) {
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
            }
        } catch (IOException ignored) {
            // The socket is broken already; closing it below is all that is left to do.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }
}
