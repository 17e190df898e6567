package io.quondam.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One direction of a {@link ProxiedConnection}: a reader thread stamps each chunk it reads with the time it may leave
 * (now plus the mode's latency) and a writer thread sends the chunks in order once they are due. With the two apart,
 * latency is added once per chunk; a single thread that slept before each write would leave the next chunk waiting in
 * the socket meanwhile, and the delays would add up under load.
 */
final class Relay {
    private static final int CHUNK_BYTES = 16 * 1024;
    /** Beyond this the reader blocks, which pushes back on the sender as a full TCP window would. */
    private static final int QUEUED_CHUNKS = 256;

    private final Socket from;
    private final Socket to;
    private final Supplier<ProxyMode> mode;
    private final ProxiedConnection owner;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final Thread reader;
    private final Thread writer;

    Relay(Socket from, Socket to, Supplier<ProxyMode> mode, ProxiedConnection owner, String threadName) {
        this.from = from;
        this.to = to;
        this.mode = mode;
        this.owner = owner;
        this.reader = daemon(threadName + "-read", this::read);
        this.writer = daemon(threadName + "-write", this::write);
    }

    private static Thread daemon(String name, Runnable body) {
        var thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    void start() {
        reader.start();
        writer.start();
    }

    /** Wakes a writer waiting for a chunk or for its due time; the reader stops when its socket is closed. */
    void interrupt() {
        reader.interrupt();
        writer.interrupt();
    }

    private void read() {
        var buffer = new byte[CHUNK_BYTES];
        try {
            InputStream in = from.getInputStream();
            int count;
            while ((count = in.read(buffer)) != -1) {
                var now = mode.get();
                if (now.forwardsBytes()) {
                    queue.put(new Chunk(Arrays.copyOf(buffer, count), dueAfter(now)));
                }
            }
            // The end of the stream is passed on (after the same latency), so a clean close stays a clean close.
            queue.put(new Chunk(new byte[0], dueAfter(mode.get())));
        } catch (IOException e) {
            owner.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the connection is being closed
        }
    }

    private static long dueAfter(ProxyMode mode) {
        return System.nanoTime() + mode.latency().toNanos();
    }

    private void write() {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                var chunk = queue.take();
                long wait = chunk.dueNanos() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the injected latency itself
                }
                if (chunk.isEndOfStream()) {
                    to.shutdownOutput();
                    owner.directionEnded();
                    return;
                }
                // Checked again here: a switch to blackhole also swallows what was still held back by a delay.
                if (mode.get().forwardsBytes()) {
                    out.write(chunk.bytes());
                    out.flush();
                }
            }
        } catch (IOException e) {
            owner.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the connection is being closed
        }
    }

    /** Bytes read at once, and when they may be written; no bytes marks the end of the stream. */
    private record Chunk(byte[] bytes, long dueNanos) {
        boolean isEndOfStream() {
            return bytes.length == 0;
        }
    }
}
