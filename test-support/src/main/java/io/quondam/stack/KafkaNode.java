package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One KRaft node (broker and controller) in a child JVM, formatted and started from the Kafka jars on the classpath.
 */
final class KafkaNode {
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

    // The broker logs through SLF4J; with slf4j-simple on the classpath these keep its log short, except for what the
    // transaction coordinator decides, which is what a lost or hanging transaction is diagnosed from.
    private static final String[] LOGGING = {
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.kafka.coordinator.transaction=info",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.coordinator.transaction=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
    };

    private final StackLayout layout;
    private final String name;
    private final int port;
    private final ChildJvm server;
    private volatile ChildProcess process;

    private KafkaNode(StackLayout layout, String name, int port, ChildJvm server) {
        this.layout = layout;
        this.name = name;
        this.port = port;
        this.server = server;
    }

    /** Formats fresh log dirs for the node and starts it without waiting. */
    static KafkaNode launch(StackLayout layout, String name, int nodeId, List<Integer> ports,
                            List<Integer> controllerPorts, String clusterId, String heap) {
        Path dir = layout.resetNodeDir(name);
        Path config = dir.resolve("server.properties");
        write(config, new BrokerProperties(nodeId, ports, controllerPorts, dir.resolve("data")).render());
        format(layout, name, config, clusterId);
        var server = ChildJvm.of("kafka.Kafka", config.toString())
                .withJvmOptions("-Xmx" + heap, "-Djava.awt.headless=true")
                .withJvmOptions(LOGGING);
        var node = new KafkaNode(layout, name, ports.get(nodeId - 1), server);
        node.start();
        return node;
    }

    private static void format(StackLayout layout, String name, Path config, String clusterId) {
        Path log = layout.logFile(name + "-format");
        int exitCode = ChildJvm.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString())
                .withJvmOptions(LOGGING)
                .run(log, FORMAT_TIMEOUT);
        if (exitCode != 0) {
            throw new StackException("kafka storage format of " + name + " failed with exit code " + exitCode
                    + "; see " + log);
        }
    }

    /** Starts the node on its existing log dirs. */
    void start() {
        process = server.start(name, layout.logFile(name), layout.pidFile(name));
    }

    void stop(Duration grace) {
        process.stop(grace);
    }

    void kill9() {
        process.kill9();
    }

    ChildProcess process() {
        return process;
    }

    String name() {
        return name;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Fails if the process died. */
    void requireAlive() {
        process.requireAlive();
    }

    /** Fails if the process died; true once it accepts connections. */
    boolean acceptsConnections() {
        requireAlive();
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
