package io.quondam.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/** Command line behind scripts/stack.sh: starts the stack and leaves it running, then finds it again by pid files. */
public final class StackCli {
    static final int POSTGRES_PORT = 15432;
    /** The data nodes of {@code up --redis cluster}: 3 masters, then their replicas; bus ports 26379-26384. */
    static final List<Integer> CLUSTER_PORTS = List.of(16379, 16380, 16381, 16382, 16383, 16384);
    private static final String CLUSTER_MODE_LINE = "QUONDAM_REDIS_MODE=cluster";
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String USAGE = """
            usage: stack.sh <command>
              up [--redis cluster] start Kafka, Redis master + 2 replicas, 3 Sentinels, PostgreSQL and, when
                                   $QUONDAM_KEY_API_JAR is set, key-api on 127.0.0.1:$KEY_API_PORT (8080); \
            write stack.env.
                                   With --redis cluster: a Redis Cluster of 3 masters and 3 replicas
                                   (16379-16384) instead of the master, replicas and Sentinels
              down                 stop every process named in pids/ (SIGTERM, then SIGKILL)
              status               show each process, the Redis master(s) and whether Kafka answers
              kill-redis-master    kill -9 the Redis master (on a cluster: the master of slot 0)
              restart-redis <port> start a killed Redis data node again as a replica of whoever replaced it
            The stack directory is .stack/local in the current directory, or $QUONDAM_STACK_DIR.""";

    private StackOptions options;
    private final StackLayout layout;
    private final PrintStream out;

    StackCli(StackOptions options, PrintStream out) {
        this.options = options;
        this.layout = new StackLayout(options.dir());
        this.out = out;
    }

    public static void main(String[] args) {
        String dir = Optional.ofNullable(System.getenv("QUONDAM_STACK_DIR")).filter(d -> !d.isBlank())
                .orElse(".stack/local");
        var cli = new StackCli(StackOptions.defaults(Path.of(dir)), System.out);
        try {
            System.exit(cli.run(List.of(args)));
        } catch (StackException | Await.AwaitTimeoutException e) {
            System.err.println("stack: " + e.getMessage());
            System.exit(1);
        }
    }

    int run(List<String> args) {
        String command = args.isEmpty() ? "help" : args.get(0);
        if (!command.equals("up") && runsRedisCluster()) {
            options = options.withRedisCluster(CLUSTER_PORTS);
        }
        switch (command) {
            case "up" -> up(args);
            case "down" -> down();
            case "status" -> {
                return status();
            }
            case "kill-redis-master" -> killRedisMaster();
            case "restart-redis" -> restartRedis(args);
            case "help", "-h", "--help" -> out.println(USAGE);
            default -> {
                System.err.println("stack: unknown command '" + command + "'\n" + USAGE);
                return 2;
            }
        }
        return 0;
    }

    private void up(List<String> args) {
        if (args.equals(List.of("up", "--redis", "cluster"))) {
            options = options.withRedisCluster(CLUSTER_PORTS);
        } else if (!args.equals(List.of("up")) && !args.equals(List.of("up", "--redis", "sentinel"))) {
            throw new StackException("usage: stack.sh up [--redis sentinel|cluster], got " + args);
        }
        LocalStack stack = LocalStack.start(options);
        var environment = new LinkedHashMap<String, String>();
        try {
            stack.startPostgres(POSTGRES_PORT);
            environment.putAll(stack.environment());
            // Services started with this file audit dropped duplicates, as the demo's do, so that the verifier
            // (scripts/payments.sh verify) can account for every record produced.
            environment.put("QUONDAM_DUPLICATES_TOPIC", "payments.duplicates");
            keyApi().ifPresentOrElse(keyApi -> environment.putAll(keyApi.start(stack)),
                    () -> out.println("key-api not started: QUONDAM_KEY_API_JAR names no jar "
                            + "(scripts/stack.sh sets it)"));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        writeEnvFile(environment);
        stack.detach();
        out.println("stack up in " + options.dir());
        environment.forEach((name, value) -> out.println("  " + name + "=" + value));
        out.println("export them with: set -a; . " + layout.envFile() + "; set +a");
        out.println("logs in " + layout.dir().resolve("logs") + "; stop with: scripts/stack.sh down");
    }

    private void down() {
        List<ChildProcess> running = layout.runningProcesses();
        if (running.isEmpty()) {
            out.println("stack not running (no live pid in " + layout.pidsDir() + ")");
        }
        ChildProcess.stopAll(running, STOP_GRACE);
        running.forEach(process -> out.println("stopped " + process));
        clearPidFiles();
    }

    private int status() {
        List<String> names = layout.pidFileNames();
        if (names.isEmpty()) {
            out.println("stack not running (no pid files in " + layout.pidsDir() + ")");
            return 3;
        }
        boolean healthy = true;
        for (String name : names) {
            Optional<ChildProcess> process = attach(name);
            healthy &= process.isPresent();
            out.printf("%-16s %s%n", name, process.map(p -> "pid " + p.pid() + " alive").orElse("NOT RUNNING"));
        }
        if (options.redisCluster()) {
            Optional<ClusterTopology> topology = clusterTopology();
            healthy &= topology.filter(ClusterTopology::coversEverySlot).isPresent();
            out.printf("%-16s %s%n", "redis cluster", topology.map(ClusterTopology::describe)
                    .orElse("unknown (no cluster node answered)"));
        } else {
            Optional<String> master = masterLocator().currentMaster();
            healthy &= master.isPresent();
            out.printf("%-16s %s%n", "redis master", master.orElse("unknown (no Sentinel answered)"));
        }
        boolean kafka = kafkaAnswers();
        healthy &= kafka;
        out.printf("%-16s %s%n", "kafka", kafka ? "reachable at 127.0.0.1:" + options.kafkaPort() : "NOT REACHABLE");
        return healthy ? 0 : 1;
    }

    private void killRedisMaster() {
        String master = options.redisCluster()
                ? "127.0.0.1:" + clusterTopology().flatMap(topology -> topology.masterOf(0)).orElseThrow(
                        () -> new StackException("no Redis Cluster node says who serves slot 0 (is the stack up?)"))
                : agreedMaster();
        int port = RedisEndpoint.parse(master, options.redisPassword()).port();
        ChildProcess process = attach(RedisNode.name(port))
                .orElseThrow(() -> new StackException("master " + master + " is not running (already killed?); "
                        + "Sentinel should promote a replica within a few seconds"));
        process.kill9();
        out.println("killed redis master " + master + " (pid " + process.pid() + ") with SIGKILL");
    }

    private void restartRedis(List<String> args) {
        if (args.size() != 2 || !args.get(1).matches("\\d+")) {
            throw new StackException("usage: stack.sh restart-redis <port>, one of " + options.redisPorts());
        }
        int port = Integer.parseInt(args.get(1));
        if (!options.redisPorts().contains(port)) {
            throw new StackException("no Redis data node on port " + port + "; ports are " + options.redisPorts());
        }
        attach(RedisNode.name(port)).ifPresent(running -> {
            throw new StackException(running + " is still running");
        });
        if (options.redisCluster()) {
            RedisNode node = LocalRedisCluster.restartFailedOver(RedisServerBinary.locate(layout.binDir()), layout,
                    port, options.redisPassword(), clusterTopology());
            out.println("started " + node + "; it rejoins the cluster as a replica");
            return;
        }
        String master = agreedMaster();
        int masterPort = RedisEndpoint.parse(master, options.redisPassword()).port();
        if (masterPort == port) {
            throw new StackException("Sentinels still report " + master + " as master; wait for the failover first");
        }
        RedisNode node = RedisNode.start(RedisServerBinary.locate(layout.binDir()), layout, port,
                options.redisPassword(), OptionalInt.of(masterPort));
        out.println("started " + node + " as replica of " + master);
    }

    /** Whether the stack in this directory was started with {@code --redis cluster}: its stack.env says so. */
    private boolean runsRedisCluster() {
        try {
            return Files.isRegularFile(layout.envFile())
                    && Files.readAllLines(layout.envFile()).contains(CLUSTER_MODE_LINE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + layout.envFile(), e);
        }
    }

    private Optional<ClusterTopology> clusterTopology() {
        return ClusterTopology.ask(options.redisPorts().stream()
                .map(port -> RedisEndpoint.local(port, options.redisPassword())).toList(), Duration.ofSeconds(2));
    }

    private Optional<StackKeyApi> keyApi() {
        String jar = Optional.ofNullable(System.getenv("QUONDAM_KEY_API_JAR")).orElse("");
        if (jar.isBlank()) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new StackException("QUONDAM_KEY_API_JAR=" + jar + " is not a file; build it with: "
                    + "mvn -B -pl key-api -am package -DskipTests");
        }
        int port = parsePort(Optional.ofNullable(System.getenv("KEY_API_PORT")).orElse("8080"));
        Path tokens = Optional.ofNullable(System.getenv("QUONDAM_STACK_TOKENS_FILE")).filter(f -> !f.isBlank())
                .map(Path::of).orElse(layout.dir().resolve("tokens"));
        return Optional.of(new StackKeyApi(Path.of(jar), port, tokens, out));
    }

    private static int parsePort(String text) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new StackException("KEY_API_PORT=" + text + " is not a port number (1-65535)");
        }
        return Integer.parseInt(text);
    }

    private Optional<ChildProcess> attach(String name) {
        return ChildProcess.attach(name, layout.pidFile(name), layout.logFile(name));
    }

    private void clearPidFiles() {
        layout.pidFileNames().forEach(name -> new PidFile(layout.pidFile(name)).delete());
    }

    private void writeEnvFile(Map<String, String> environment) {
        String content = environment.entrySet().stream()
                .map(variable -> variable.getKey() + "=" + variable.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.writeString(layout.envFile(), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.envFile(), e);
        }
    }

    private String agreedMaster() {
        return Await.untilPresent(Duration.ofSeconds(10), masterLocator()::agreedMaster,
                "the Sentinels on " + options.sentinelPorts() + " to agree on the master (is the stack up?)");
    }

    private MasterLocator masterLocator() {
        return new MasterLocator(options.sentinelPorts().stream()
                .map(port -> RedisEndpoint.local(port, options.sentinelPassword()))
                .toList(), options.masterName());
    }

    private boolean kafkaAnswers() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + options.kafkaPort(),
                "request.timeout.ms", 3000, "default.api.timeout.ms", 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
