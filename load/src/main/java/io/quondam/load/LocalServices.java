package io.quondam.load;

import io.quondam.stack.Await;
import io.quondam.stack.ChildProcess;
import io.quondam.stack.FreePorts;
import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisNode;
import io.quondam.stack.ShippedJar;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The three services on a {@link LocalStack}, as child JVMs running their shaded jars, plus what a platform would do
 * for them under chaos: a processor that died (kill -9 by scripts/chaos.sh) is started again, and a Redis data node
 * that died is started again as a replica once another node has become master in its place (promoted by Sentinel, or
 * by the other masters of a Redis Cluster), as a StatefulSet would.
 */
final class LocalServices implements AutoCloseable {
    static final String KEY_API_TENANT = "load";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Which services run: {@code processors} dedup-processor instances sharing the input (so that killing one makes
     * the others rebalance), each with {@code processorSettings} on top of the stack's; key-api only if asked.
     */
    record Plan(int processors, boolean keyApi, Map<String, String> processorSettings) {
        static final Plan LOAD = new Plan(1, true, Map.of());
    }

    private final LocalStack stack;
    private final PrintStream out;
    private final Plan plan;
    private final String keyApiToken;
    private final int keyApiPort = FreePorts.allocate(1).get(0);
    private final AtomicInteger processorStarts = new AtomicInteger();
    private final AtomicInteger redisRestarts = new AtomicInteger();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "load-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread shutdownHook = new Thread(this::stopSupervising, "load-services-shutdown");
    private final List<ChildProcess> processors = new CopyOnWriteArrayList<>();
    private final AtomicInteger consumerStarts = new AtomicInteger();
    private volatile ChildProcess consumer;
    private volatile boolean closing;
    /** Redis data nodes a scenario keeps down or restarts itself: the supervisor leaves them alone. */
    private final java.util.Set<Integer> leftToScenario = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LocalServices(LocalStack stack, String keyApiToken, PrintStream out) {
        this(stack, Plan.LOAD, keyApiToken, out);
    }

    LocalServices(LocalStack stack, Plan plan, String keyApiToken, PrintStream out) {
        this.stack = stack;
        this.plan = plan;
        this.keyApiToken = keyApiToken;
        this.out = out;
    }

    /** Starts consumer, processors and key-api, waits for the key-api to be ready, then starts supervising. */
    void start() {
        consumer = startConsumer();
        for (int i = 0; i < plan.processors(); i++) {
            processors.add(startProcessor());
        }
        if (plan.keyApi()) {
            startKeyApi();
        }
        // On Ctrl-C the stack's own hook kills the services; this one keeps the supervisor from starting new ones.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        supervisor.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
    }

    private void startKeyApi() {
        var keyApiEnv = new HashMap<>(stack.environment());
        keyApiEnv.put("QUONDAM_TOKENS", KEY_API_TENANT + "=" + keyApiToken);
        keyApiEnv.put("QUONDAM_HTTP_HOST", "127.0.0.1");
        keyApiEnv.put("QUONDAM_HTTP_PORT", Integer.toString(keyApiPort));
        var keyApi = startService("key-api", "key-api", keyApiEnv);
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Await.until(READY_TIMEOUT, () -> {
            keyApi.requireAlive();
            return answers200(http, keyApiUrl() + "/health/ready");
        }, "the key-api to be ready at " + keyApiUrl());
    }

    String keyApiUrl() {
        return "http://127.0.0.1:" + keyApiPort;
    }

    /** Processors started after the first one. */
    int processorRestarts() {
        return Math.max(0, processorStarts.get() - plan.processors());
    }

    int redisRestarts() {
        return redisRestarts.get();
    }

    /** From now on the supervisor does not restart the Redis data node on {@code port}: the scenario owns it. */
    void leaveRedisNode(int port) {
        leftToScenario.add(port);
    }

    /** The supervisor restarts the node on {@code port} again once it is down (and another node is master). */
    void superviseRedisNode(int port) {
        leftToScenario.remove(port);
    }

    /** The processor instances now running (or killed and not yet replaced), oldest first. */
    List<ChildProcess> processors() {
        return List.copyOf(processors);
    }

    /** The variables a script needs to find this run's services (chaos.sh reads the Sentinel ones). */
    Map<String, String> environment() {
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_KEY_API_URL", keyApiUrl());
        env.put("QUONDAM_STACK_DIR", stack.dir().toAbsolutePath().toString());
        return env;
    }

    private void supervise() {
        if (closing) {
            return;
        }
        try {
            for (var processor : processors) {
                if (!processor.isAlive()) {
                    out.printf("  ! %s is gone; starting a new one%n", processor.name());
                    processors.set(processors.indexOf(processor), startProcessor());
                }
            }
            if (!consumer.isAlive()) {
                out.println("  ! the payments-consumer is gone; starting a new one");
                consumer = startConsumer();
            }
            for (int port : stack.options().redisPorts()) {
                if (!leftToScenario.contains(port) && !stack.redisNode(port).isAlive()) {
                    restartRedisOnceFailedOver(port);
                }
            }
        } catch (RuntimeException e) {
            out.println("  ! supervisor: " + e.getMessage()); // try again on the next tick
        }
    }

    private void restartRedisOnceFailedOver(int port) {
        // An empty node must never come back as master: only once another node has taken its place does it rejoin.
        if (stack.failedOverFrom(port)) {
            stack.restartRedisNode(port);
            redisRestarts.incrementAndGet();
            out.printf("  ! %s restarted as a replica%n", RedisNode.name(port));
        }
    }

    private ChildProcess startConsumer() {
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_HTTP_PORT", "0");
        return startService("payments-consumer-" + consumerStarts.incrementAndGet(), "payments-consumer", env);
    }

    private ChildProcess startProcessor() {
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_APPLICATION_ID", Demo.APPLICATION_ID);
        env.put("QUONDAM_DUPLICATES_TOPIC", Demo.DUPLICATES);
        env.put("QUONDAM_STREAM_THREADS", "2");
        // QUONDAM_REPLICATION_FACTOR stays -1: the local Kafka's default, one replica per node up to 3. With one
        // replica on a cluster, a dead node leaves changelog partitions without a leader, and Kafka then drops
        // their transaction markers (docs/design.md, "Kafka forensics").
        env.put("QUONDAM_HTTP_PORT", "0");
        env.put("QUONDAM_STREAMS_SESSION_TIMEOUT_MS", "6000"); // a killed instance's partitions move on sooner
        int instance = processorStarts.incrementAndGet();
        // Each instance its own state directory, as each pod has its own volume: two JVMs sharing one would fight
        // over the task directories' locks.
        env.put("QUONDAM_STATE_DIR", stack.dir().resolve("processor-state-" + instance).toAbsolutePath().toString());
        env.putAll(plan.processorSettings());
        return startService("dedup-processor-" + instance, "dedup-processor", env);
    }

    /** Starts {@code service} from its shaded jar, as its Dockerfile does, with a smaller heap for one machine. */
    private ChildProcess startService(String name, String service, Map<String, String> env) {
        var process = stack.startJvm(name, ShippedJar.of(service).childJvm().withJvmOptions("-Xmx384m")
                .withEnvironment(env));
        out.printf("started %s (pid %d, log %s)%n", name, process.pid(), process.logFile());
        return process;
    }

    private static boolean answers200(HttpClient http, String url) {
        try {
            var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + url, e);
        }
    }

    /** Stops supervising; the stack kills the services with everything else. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs by itself
        }
        stopSupervising();
    }

    private void stopSupervising() {
        closing = true;
        supervisor.shutdownNow();
        try {
            supervisor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // ones the supervisor started while the stack was already being stopped
        processors.forEach(ChildProcess::kill9);
        if (consumer != null) {
            consumer.kill9();
        }
    }
}
