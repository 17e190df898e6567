package io.quondam.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Finds and checks TCP ports on 127.0.0.1, so test stacks never clash with a running one. */
public final class FreePorts {

    private FreePorts() {
    }

    /*
     * Below Linux's ephemeral range (32768-60999 by default). A port the kernel hands out for "port 0" comes from that
     * range, and so does the local port of every outgoing connection: between our check and the server's bind, a
     * client socket of the stack itself once took the port and the broker failed with "Address already in use".
     */
    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;

    /** {@code count} distinct ports that were free a moment ago (all held open together, then released). */
    public static List<Integer> allocate(int count) {
        var sockets = new ArrayList<ServerSocket>();
        try {
            int span = LAST - FIRST;
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int i = 0; i < span && sockets.size() < count; i++) {
                int port = FIRST + (start + i) % span;
                tryBind(port).ifPresent(sockets::add);
            }
            if (sockets.size() < count) {
                throw new StackException("cannot allocate " + count + " free ports on 127.0.0.1 in "
                        + FIRST + "-" + LAST);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    /**
     * {@code count} distinct ports {@code p} where {@code p} and {@code p + offset} were both free a moment ago: for
     * Redis Cluster nodes, whose cluster bus listens on the port plus 10,000. Both stay below the ephemeral range.
     */
    public static List<Integer> allocateWithCompanion(int count, int offset) {
        var sockets = new ArrayList<ServerSocket>();
        var ports = new ArrayList<Integer>();
        try {
            int span = LAST - offset - FIRST;
            if (span <= 0) {
                throw new StackException("no port range below " + LAST + " leaves room for an offset of " + offset);
            }
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int i = 0; i < span && ports.size() < count; i++) {
                int port = FIRST + (start + i) % span;
                var first = tryBind(port);
                if (first.isEmpty()) {
                    continue;
                }
                var companion = tryBind(port + offset);
                sockets.add(first.get());
                if (companion.isPresent()) {
                    sockets.add(companion.get());
                    ports.add(port);
                }
            }
            if (ports.size() < count) {
                throw new StackException("cannot allocate " + count + " free ports with free companions (+" + offset
                        + ") on 127.0.0.1 in " + FIRST + "-" + LAST);
            }
            return List.copyOf(ports);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    private static Optional<ServerSocket> tryBind(int port) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.of(socket);
        } catch (IOException inUse) {
            if (socket != null) {
                closeQuietly(socket);
            }
            return Optional.empty();
        }
    }

    /** Throws naming the first port of {@code ports} that something already listens on. */
    public static void requireFree(Collection<Integer> ports) {
        for (int port : ports) {
            try (var socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                throw new StackException("port " + port + " on 127.0.0.1 is in use (is another stack running?)");
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }
}
