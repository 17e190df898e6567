package io.quondam.load.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many keep-alive connections driven by one thread, as wrk and redis-benchmark do: each connection sends a request,
 * reads the whole answer, then sends its next one (no pipelining). The load generator shares the two cores with what
 * it measures; a blocking thread per connection would spend more CPU on scheduling than the server under test, and
 * that CPU would be counted as the server's.
 */
final class EventLoopLoad implements LoadLoop.LoadThread {
    /** How long the connections may take to answer their last requests once the window has closed. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What a connection sends and how it reads the answers. */
    interface Protocol {
        /** Bytes sent on a new connection before the load, each answered by one reply (AUTH); may be empty. */
        List<byte[]> handshake();

        /** The whole request number {@code sequence} of connection {@code connection}. */
        byte[] request(int connection, long sequence);

        /** The length of the first complete answer in {@code buffer}'s first {@code limit} bytes; -1 if incomplete. */
        int answerLength(ByteBuffer buffer, int limit);

        /** Whether that answer is the one a successful call gets. */
        boolean succeeded(ByteBuffer buffer, int length);
    }

    private final int port;
    private final int connections;
    private final Protocol protocol;

    EventLoopLoad(int port, int connections, Protocol protocol) {
        this.port = port;
        this.connections = connections;
        this.protocol = protocol;
    }

    /** One connection: the request in flight, when it was sent, and the answer read so far. */
    private final class Connection {
        final int number;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out;
        long sequence;
        long sentAt;
        boolean done;

        Connection(int number) throws IOException {
            this.number = number;
            this.channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            for (byte[] greeting : protocol.handshake()) {
                channel.write(ByteBuffer.wrap(greeting));
                while (!answered()) {
                    read();
                }
                in.clear();
            }
            channel.configureBlocking(false);
        }

        void send() throws IOException {
            out = ByteBuffer.wrap(protocol.request(number, sequence++));
            sentAt = System.nanoTime();
            channel.write(out);
        }

        void read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("connection " + number + " closed by the server");
            }
        }

        boolean answered() {
            return protocol.answerLength(in, in.position()) >= 0;
        }
    }

    @Override
    public LoadLoop.Tally run(LoadLoop.Window window) throws IOException {
        var latencies = new ArrayList<Long>();
        long successes = 0;
        long failures = 0;
        var open = new ArrayList<Connection>();
        try (var selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                var connection = new Connection(i);
                open.add(connection);
                connection.channel.register(selector, SelectionKey.OP_READ, connection);
                connection.send();
            }
            int busy = connections;
            long drainUntil = Long.MAX_VALUE;
            while (busy > 0 && System.nanoTime() < drainUntil) {
                selector.select(100);
                for (var key : selector.selectedKeys()) {
                    var connection = (Connection) key.attachment();
                    if (key.isWritable()) {
                        connection.channel.write(connection.out);
                        if (!connection.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (!key.isReadable()) {
                        continue;
                    }
                    connection.read();
                    int length = protocol.answerLength(connection.in, connection.in.position());
                    if (length < 0) {
                        continue;
                    }
                    if (connection.in.position() > length) {
                        throw new IllegalStateException("an answer came that no request asked for");
                    }
                    long now = System.nanoTime();
                    if (connection.sentAt >= window.starts && connection.sentAt < window.ends) {
                        latencies.add(now - connection.sentAt);
                        if (protocol.succeeded(connection.in, length)) {
                            successes++;
                        } else {
                            failures++;
                        }
                    }
                    connection.in.clear();
                    if (now >= window.ends) {
                        connection.done = true;
                        busy--;
                        drainUntil = Math.min(drainUntil, now + DRAIN_NANOS);
                    } else {
                        connection.send();
                        if (connection.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            failures += busy; // no answer within the drain time
        } finally {
            for (var connection : open) {
                try {
                    connection.channel.close();
                } catch (IOException e) {
                    // closing a benchmark connection: nothing to do
                }
            }
        }
        return new LoadLoop.Tally(latencies, successes, failures);
    }
}
