package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One KRaft broker and controller in a child JVM, formatted and started from the Kafka jars on the classpath. */
public final class KafkaBroker implements AutoCloseable {

    static final String NAME = "kafka";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    // The broker logs through SLF4J; with slf4j-simple on the classpath these keep its log short.
    private static final String[] QUIET_LOGGING = {
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
    };

    private final StackLayout layout;
    private final int port;
    private final ChildJvm server;
    private volatile ChildProcess process;

    private KafkaBroker(StackLayout layout, int port, ChildJvm server) {
        this.layout = layout;
        this.port = port;
        this.server = server;
    }

    /** Formats fresh log dirs and starts the broker without waiting for it; see {@link #awaitReady}. */
    public static KafkaBroker launch(StackLayout layout, int port, int controllerPort) {
        Path dir = layout.resetNodeDir(NAME);
        Path config = dir.resolve("server.properties");
        write(config, new BrokerProperties(port, controllerPort, dir.resolve("data")).render());
        format(layout, config);
        var server = ChildJvm.of("kafka.Kafka", config.toString())
                .withJvmOptions("-Xmx768m", "-Djava.awt.headless=true")
                .withJvmOptions(QUIET_LOGGING);
        var broker = new KafkaBroker(layout, port, server);
        broker.startProcess();
        return broker;
    }

    private static void format(StackLayout layout, Path config) {
        Path log = layout.logFile(NAME + "-format");
        int exitCode = ChildJvm.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                        "-c", config.toString())
                .withJvmOptions(QUIET_LOGGING)
                .run(log, READY_TIMEOUT);
        if (exitCode != 0) {
            throw new StackException("kafka storage format failed with exit code " + exitCode + "; see " + log);
        }
    }

    private void startProcess() {
        process = server.start(NAME, layout.logFile(NAME), layout.pidFile(NAME));
    }

    /** Waits until the broker accepts connections and answers describeCluster with itself. */
    public void awaitReady(Duration timeout) {
        Await.until(timeout, () -> {
            process.requireAlive();
            return acceptsConnections();
        }, "Kafka to listen on 127.0.0.1:" + port);
        try (Admin admin = admin()) {
            Await.until(timeout, () -> {
                process.requireAlive();
                return describesCluster(admin);
            }, "Kafka at " + bootstrapServers() + " to answer describeCluster");
        }
        LOG.info("Kafka ready at {}", bootstrapServers());
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Creates the topics (name to partition count, replication factor 1); existing topics are left as they are. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        var topics = partitionsByTopic.entrySet().stream()
                .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), (short) 1))
                .toList();
        try (Admin admin = admin()) {
            // Right after start the broker may not be registered yet, which shows as a retriable error.
            Await.until(READY_TIMEOUT, () -> topics.stream().allMatch(topic -> created(admin, topic)),
                    "topics " + partitionsByTopic.keySet() + " to be created");
        }
    }

    /** Graceful stop and start on the same log dirs (no reformat); returns once the broker is ready again. */
    public void restart() {
        process.stop(STOP_GRACE);
        startProcess();
        awaitReady(READY_TIMEOUT);
    }

    public void stop(Duration grace) {
        process.stop(grace);
    }

    public void kill9() {
        process.kill9();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        kill9();
    }

    private boolean acceptsConnections() {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean describesCluster(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted waiting for Kafka", e);
        }
    }

    private static boolean created(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            LOG.info("Created topic {} with {} partitions", topic.name(), topic.numPartitions());
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            if (e.getCause() instanceof RetriableException || e.getCause() instanceof InvalidReplicationFactorException) {
                return false;
            }
            throw new StackException("cannot create topic " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted creating topic " + topic.name(), e);
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
