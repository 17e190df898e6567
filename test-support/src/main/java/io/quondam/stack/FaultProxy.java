package io.quondam.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of one target whose behaviour can be switched while connections are open (pass,
 * delay, blackhole, drop), so that chaos tests can make Redis unreachable or slow for the dedup-processor only
 * (the redis-unreachable and redis-slow chaos scenarios) while the Sentinels, the replicas and every other client still
 * reach it directly.
 *
 * <p>Thread-safe. Each connection costs four daemon threads (a reader and a writer per direction), which is plenty
 * for the few connections a Redis client opens.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final String HOST = "127.0.0.1";
    private static final int TARGET_CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final long ACCEPTOR_STOP_TIMEOUT_MILLIS = 5_000;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final String threadPrefix;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    /** Guards mode switches against connections being admitted, so that drop() leaves none open behind it. */
    private final Object admission = new Object();
    private volatile ProxyMode mode = ProxyMode.pass();
    private volatile boolean closed;
    private final Thread acceptor;

    private FaultProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.threadPrefix = "fault-proxy-" + listener.getLocalPort();
        this.acceptor = new Thread(this::acceptUntilClosed, threadPrefix + "-accept");
        acceptor.setDaemon(true);
    }

    /** Listens on a free port of 127.0.0.1 and forwards every connection to {@code host:port}, in pass mode. */
    public static FaultProxy start(String host, int port) {
        var target = new InetSocketAddress(host, port);
        ServerSocket listener;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        } catch (IOException e) {
            throw new StackException("cannot listen on " + HOST + " for a proxy to " + host + ":" + port, e);
        }
        var proxy = new FaultProxy(target, listener);
        proxy.acceptor.start();
        LOG.info("Fault proxy {} -> {}:{} started", proxy.address(), host, port);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, the address clients should use instead of the target's. */
    public String address() {
        return HOST + ":" + port();
    }

    /** Every connection accepted so far, including those swallowed or closed at once by blackhole or drop. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Forwards bytes both ways as they come. */
    public void pass() {
        switchTo(ProxyMode.pass());
    }

    /** Forwards, but holds each chunk back for {@code latency} in each direction; the order is kept. */
    public void delay(Duration latency) {
        switchTo(ProxyMode.delay(Objects.requireNonNull(latency, "latency")));
    }

    /**
     * Keeps every connection open, and accepts new ones, but forwards nothing: clients wait for replies until their
     * socket timeout, as behind a network partition. Bytes sent meanwhile are lost, so a client should open a new
     * connection after {@link #pass()}.
     */
    public void blackhole() {
        switchTo(ProxyMode.blackhole());
    }

    /** Resets every open connection and closes each new one as soon as it is accepted, until the mode changes. */
    public void drop() {
        switchTo(ProxyMode.drop());
    }

    private void switchTo(ProxyMode next) {
        List<ProxiedConnection> toClose = List.of();
        synchronized (admission) {
            mode = next;
            if (!next.keepsConnections()) {
                toClose = List.copyOf(connections);
            }
        }
        toClose.forEach(ProxiedConnection::abort);
        LOG.info("Fault proxy {} -> {}: {}", address(), targetAddress(), next);
    }

    private void acceptUntilClosed() {
        while (!closed) {
            try {
                admit(listener.accept());
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Fault proxy {} failed to accept a connection: {}", address(), e.getMessage());
                }
            }
        }
    }

    private void admit(Socket client) {
        long number = accepted.incrementAndGet();
        if (!mode.keepsConnections()) {
            ProxiedConnection.closeSocket(client, true);
            return;
        }
        // Connected even in blackhole mode: the route is what is broken, not the target.
        var upstream = new Socket();
        try {
            client.setTcpNoDelay(true); // Redis replies are small; Nagle would add its own latency to ours
            upstream.setTcpNoDelay(true);
            upstream.connect(target, TARGET_CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            LOG.warn("Fault proxy {} cannot reach {}: {}", address(), targetAddress(), e.getMessage());
            ProxiedConnection.closeSocket(upstream, true);
            ProxiedConnection.closeSocket(client, true);
            return;
        }
        var connection = new ProxiedConnection(client, upstream, () -> mode, threadPrefix + "-conn-" + number,
                connections::remove);
        synchronized (admission) {
            if (closed || !mode.keepsConnections()) {
                connection.abort();
                return;
            }
            connections.add(connection);
        }
        connection.start();
    }

    private String targetAddress() {
        return target.getHostString() + ":" + target.getPort();
    }

    /**
     * Stops listening and resets every connection; their threads end as their sockets close. Returns once the port is
     * free: a listener closed while its acceptor is blocked in accept() keeps the port until that thread has left it.
     */
    @Override
    public void close() {
        List<ProxiedConnection> toClose;
        synchronized (admission) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = List.copyOf(connections);
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("Fault proxy {}: closing the listener failed: {}", address(), e.getMessage());
        }
        awaitAcceptorEnd();
        toClose.forEach(ProxiedConnection::abort);
        LOG.info("Fault proxy {} -> {} closed", address(), targetAddress());
    }

    private void awaitAcceptorEnd() {
        if (Thread.currentThread() == acceptor) {
            return;
        }
        try {
            acceptor.join(ACCEPTOR_STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acceptor.isAlive()) {
            LOG.warn("Fault proxy {}: the acceptor thread did not stop within {} ms", address(),
                    ACCEPTOR_STOP_TIMEOUT_MILLIS);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + address() + " -> " + targetAddress() + ", " + mode + "]";
    }
}
