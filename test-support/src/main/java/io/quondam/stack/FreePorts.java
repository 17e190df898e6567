package io.quondam.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Finds and checks TCP ports on 127.0.0.1, so test stacks never clash with a running one. */
public final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free a moment ago (all held open together, then released). */
    public static List<Integer> allocate(int count) {
        var sockets = new ArrayList<ServerSocket>();
        try {
            for (int i = 0; i < count; i++) {
                var socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new StackException("cannot allocate " + count + " free ports on 127.0.0.1", e);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
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
