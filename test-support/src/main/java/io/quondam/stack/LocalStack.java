package io.quondam.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;
import org.slf4j.LoggerFactory;

/**
 * The local stack on 127.0.0.1 without Docker: Redis master, 2 replicas and 3 Sentinels (or the Redis Cluster of
 * {@link StackOptions#withRedisCluster}), Kafka (one KRaft node, or the cluster of {@link StackOptions#withKafkaNodes})
 * and its topics, and on request ({@link #startPostgres()}) a PostgreSQL server, all child processes that
 * {@link #close()} (or a JVM shutdown hook) kills.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SENTINEL_DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SENTINEL_AGREEMENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(5);
    private static final String ISOLATED_PASSWORD = "quondam-isolated";
    private static final String GUARD_NAME = "redis-guard";
    private static final Duration GUARD_TIMEOUT = Duration.ofSeconds(30);

    private final StackOptions options;
    private final StackLayout layout;
    private final Path redisServer;
    private final MasterLocator masterLocator;
    private final Map<Integer, RedisNode> redisNodes = new ConcurrentHashMap<>();
    private final List<SentinelNode> sentinels = new CopyOnWriteArrayList<>();
    private final List<ChildProcess> applications = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "local-stack-shutdown");
    private KafkaCluster kafka;
    private volatile PostgresNode postgres;
    private volatile ChildProcess guard;
    private volatile LocalRedisCluster redisCluster;
    /** Failovers {@link #failOverRedis} started, to take the shards of a Redis Cluster in turn. */
    private int failovers;
    private boolean hooked;

    /** One master killed and its successor serving: {@code killed} and {@code promoted} as {@code 127.0.0.1:port}. */
    public record RedisFailover(String killed, int killedPort, String promoted) {
    }

    private LocalStack(StackOptions options) {
        this.options = options;
        this.layout = new StackLayout(options.dir());
        this.redisServer = RedisServerBinary.locate(layout.binDir());
        this.masterLocator = new MasterLocator(options.sentinelPorts().stream()
                .map(port -> RedisEndpoint.local(port, options.sentinelPassword()))
                .toList(), options.masterName());
    }

    /** Starts everything and returns once Sentinels agree on the topology and the topics exist. */
    public static LocalStack start(StackOptions options) {
        new StackLayout(options.dir()).resetForNewStack();
        FreePorts.requireFree(options.allPorts());
        var stack = new LocalStack(options);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        stack.hooked = true;
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        long started = System.nanoTime();
        // The Kafka JVMs take longest to boot, so Redis starts while they do.
        kafka = KafkaCluster.launch(layout, options.kafkaPorts(), options.controllerPorts());
        if (options.redisCluster()) {
            redisCluster = LocalRedisCluster.formIn(layout, redisServer, options.redisPorts(), options.redisPassword());
        } else {
            startSentinelRedis();
        }
        kafka.awaitReady(BROKER_READY_TIMEOUT);
        createTopics(options.topics());
        if (!options.redisCluster()) {
            Await.until(SENTINEL_DISCOVERY_TIMEOUT, () -> masterLocator.allSentinelsSee(2, 2),
                    "every Sentinel to see 2 replicas and 2 other Sentinels");
        }
        LOG.info("Local stack up in {} ms: Kafka {}, {}, dir {}", (System.nanoTime() - started) / 1_000_000,
                bootstrapServers(), describeRedis(), options.dir());
    }

    /** The master, its 2 replicas, redis-guard and the 3 Sentinels. */
    private void startSentinelRedis() {
        int masterPort = options.redisPorts().get(0);
        startRedisNode(masterPort, OptionalInt.empty());
        for (int port : options.redisPorts().subList(1, 3)) {
            startRedisNode(port, OptionalInt.of(masterPort));
        }
        startGuard();
        // Sentinels read a replica's priority only every 10 s: they start once the guard made both replicas promotable.
        for (int port : options.redisPorts().subList(1, 3)) {
            Await.until(GUARD_TIMEOUT, () -> redisNode(port).endpoint().replicaPriority(RedisNode.PING_TIMEOUT) > 0,
                    "the guard to make redis-" + port + " promotable");
        }
        for (int port : options.sentinelPorts()) {
            sentinels.add(SentinelNode.start(redisServer, layout, port, masterPort, options));
        }
    }

    /**
     * Starts redis-guard, one process guarding every data node of the stack as a sidecar guards its pod's node: a
     * node is promotable (replica-priority above 0) only while it is an online, caught-up replica.
     */
    public synchronized ChildProcess startGuard() {
        requireSentinel("redis-guard");
        if (guard != null && guard.isAlive()) {
            throw new StackException("redis-guard already runs: " + guard);
        }
        String nodes = options.redisPorts().stream().map(port -> "127.0.0.1:" + port)
                .collect(java.util.stream.Collectors.joining(","));
        guard = ChildJvm.of("io.quondam.guard.Main")
                .withJvmOptions("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .withEnvironment(Map.of("QUONDAM_GUARD_REDIS", nodes, "QUONDAM_GUARD_PASSWORD", redisPassword(),
                        "QUONDAM_GUARD_SENTINELS", String.join(",", sentinelAddresses()),
                        "QUONDAM_GUARD_MASTER_NAME", masterName(),
                        "QUONDAM_GUARD_SENTINEL_PASSWORD", sentinelPassword()))
                .start(GUARD_NAME, layout.logFile(GUARD_NAME), layout.pidFile(GUARD_NAME));
        return guard;
    }

    /** The redis-guard process, to kill it in a test ({@code guard().kill9()}) and {@link #startGuard()} again. */
    public ChildProcess guard() {
        if (guard == null) {
            throw new IllegalStateException("redis-guard has not been started");
        }
        return guard;
    }

    private RedisNode startRedisNode(int port, OptionalInt masterPort) {
        var node = RedisNode.start(redisServer, layout, port, options.redisPassword(), masterPort);
        redisNodes.put(port, node);
        return node;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code 127.0.0.1:port} of every Sentinel. */
    public List<String> sentinelAddresses() {
        return options.sentinelPorts().stream().map(port -> "127.0.0.1:" + port).toList();
    }

    public String masterName() {
        return options.masterName();
    }

    public String redisPassword() {
        return options.redisPassword();
    }

    public String sentinelPassword() {
        return options.sentinelPassword();
    }

    public Path dir() {
        return options.dir();
    }

    public StackOptions options() {
        return options;
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /**
     * The environment our services read to reach this stack; also what {@code .stack/stack.env} holds. The services
     * connect to Redis as the restricted {@link StackOptions#SERVICE_USER}, never with the default user's password.
     * Once PostgreSQL runs it includes {@code QUONDAM_DB_URL}, {@code QUONDAM_DB_USER} and {@code QUONDAM_DB_PASSWORD}.
     */
    public Map<String, String> environment() {
        var env = new LinkedHashMap<String, String>();
        env.put("QUONDAM_BOOTSTRAP_SERVERS", bootstrapServers());
        if (options.redisCluster()) {
            env.put("QUONDAM_REDIS_MODE", "cluster");
            env.put("QUONDAM_REDIS_NODES", String.join(",", redisCluster.seeds()));
        } else {
            env.put("QUONDAM_REDIS_SENTINELS", String.join(",", sentinelAddresses()));
            env.put("QUONDAM_REDIS_MASTER_NAME", masterName());
        }
        env.put("QUONDAM_REDIS_USER", StackOptions.SERVICE_USER);
        env.put("QUONDAM_REDIS_PASSWORD", StackOptions.SERVICE_PASSWORD);
        if (!options.redisCluster()) {
            env.put("QUONDAM_SENTINEL_PASSWORD", sentinelPassword());
        }
        if (postgres != null) {
            env.put("QUONDAM_DB_URL", postgres.jdbcUrl());
            env.put("QUONDAM_DB_USER", postgres.user());
            env.put("QUONDAM_DB_PASSWORD", postgres.password());
        }
        return env;
    }

    /** Starts PostgreSQL on a free port; see {@link #startPostgres(int)}. */
    public PostgresNode startPostgres() {
        return startPostgres(FreePorts.allocate(1).get(0));
    }

    /**
     * Starts a fresh PostgreSQL server on 127.0.0.1:{@code port} with its data in this stack's directory; it is
     * stopped with the rest of the stack. Stacks that never call this start no database and pay nothing for it.
     */
    public synchronized PostgresNode startPostgres(int port) {
        if (postgres != null) {
            throw new StackException("PostgreSQL already started: " + postgres);
        }
        FreePorts.requireFree(List.of(port));
        postgres = PostgresNode.start(options.dir(), port);
        return postgres;
    }

    /** The PostgreSQL server started by {@link #startPostgres()}. */
    public PostgresNode postgres() {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is not part of this stack; call startPostgres() first");
        }
        return postgres;
    }

    /** A data node by port, to connect to it directly ({@code node.endpoint().connect(timeout)}). */
    public RedisNode redisNode(int port) {
        if (redisCluster != null) {
            return redisCluster.node(port);
        }
        RedisNode node = redisNodes.get(port);
        if (node == null) {
            throw new IllegalArgumentException("no Redis data node on port " + port + "; ports are "
                    + options.redisPorts());
        }
        return node;
    }

    /** {@code 127.0.0.1:port} of the master that the Sentinels agree on; waits up to 10 s for them to agree. */
    public String currentMasterAddress() {
        requireSentinel("one master");
        return Await.untilPresent(SENTINEL_AGREEMENT_TIMEOUT, masterLocator::agreedMaster,
                "Sentinels " + sentinelAddresses() + " to agree on the master");
    }

    /** The Redis Cluster of a stack started {@link StackOptions#withRedisCluster}. */
    public LocalRedisCluster redisCluster() {
        if (redisCluster == null) {
            throw new IllegalStateException("this stack runs Redis with Sentinels, not a Redis Cluster");
        }
        return redisCluster;
    }

    /** Where Redis is: the master the Sentinels agree on, or each shard's master and slots. */
    public String describeRedis() {
        return redisCluster != null ? "Redis Cluster " + redisCluster.topology().describe()
                : "Redis master " + currentMasterAddress();
    }

    /**
     * kill -9 of a Redis master, then waits until its successor serves: with Sentinels the master, which a replica
     * replaces; on a Redis Cluster the master of the next shard in turn (the first on the first call), whose replica
     * takes over its slots.
     */
    public RedisFailover failOverRedis(Duration timeout) {
        if (redisCluster != null) {
            int slot;
            synchronized (this) {
                int shards = options.redisShards();
                slot = (failovers++ % shards) * LocalRedisCluster.SLOTS / shards;
            }
            int killed = redisCluster.killMasterOf(slot);
            int promoted = redisCluster.awaitPromotion(killed, slot, timeout);
            return new RedisFailover("127.0.0.1:" + killed, killed, "127.0.0.1:" + promoted);
        }
        String old = currentMasterAddress();
        int killed = killRedisMaster();
        return new RedisFailover(old, killed, awaitNewMaster(old, timeout));
    }

    /**
     * Whether the dead data node on {@code port} may start again without coming back as a master with none of its
     * keys: another node has become master in its place.
     */
    public boolean failedOverFrom(int port) {
        return redisCluster != null ? redisCluster.failedOverFrom(port)
                : !currentMasterAddress().equals("127.0.0.1:" + port);
    }

    /** kill -9 of the data node that Sentinel reports as master; returns its port. */
    public int killRedisMaster() {
        int port = RedisEndpoint.parse(currentMasterAddress(), redisPassword()).port();
        redisNode(port).process().kill9();
        LOG.info("Killed Redis master {} with SIGKILL", port);
        return port;
    }

    /**
     * Starts the data node on {@code port} again, empty, as a replica of the current master (Sentinel would demote
     * it anyway); as master only if Sentinel still reports this very node as master.
     */
    public RedisNode restartRedisNode(int port) {
        if (redisCluster != null) {
            return redisCluster.restart(port);
        }
        if (redisNode(port).isAlive()) {
            throw new StackException(RedisNode.name(port) + " is still running");
        }
        int masterPort = RedisEndpoint.parse(currentMasterAddress(), redisPassword()).port();
        return startRedisNode(port, masterPort == port ? OptionalInt.empty() : OptionalInt.of(masterPort));
    }

    /**
     * Polls the Sentinels until they all report a master other than {@code oldAddress} (the failover has ended)
     * and that node answers ROLE as master; returns its address. It may still refuse writes (NOREPLICAS) until a
     * replica has synced with it.
     */
    public String awaitNewMaster(String oldAddress, Duration timeout) {
        return Await.untilPresent(timeout, () -> masterLocator.agreedMaster()
                        .filter(address -> !address.equals(oldAddress))
                        .filter(address -> "master".equals(
                                RedisEndpoint.parse(address, redisPassword()).role(RedisNode.PING_TIMEOUT))),
                "Sentinels to promote a new master instead of " + oldAddress);
    }

    /**
     * Replication offset by port of every live data node that answers. Read right after a master kill, it tells which
     * replica held more of the dead master's stream, and so whether Sentinel promoted the most complete one.
     */
    public Map<Integer, Long> replicationOffsets() {
        var offsets = new TreeMap<Integer, Long>();
        for (RedisNode node : liveRedisNodes()) {
            node.endpoint().replicationOffset(RedisNode.PING_TIMEOUT)
                    .ifPresent(offset -> offsets.put(node.port(), offset));
        }
        return offsets;
    }

    /**
     * Cuts the data node on {@code port} off from the Sentinels and the other data nodes while clients of the
     * services' user still reach it: the partition Sentinel cannot handle, played on one loopback interface. The
     * default user, which Sentinels and replicas authenticate as, gets another password and loses its connections,
     * so Sentinels see the node stop answering and replicas cannot sync from it; connections of
     * {@link StackOptions#SERVICE_USER} stay. Undone by {@link #heal(int)}.
     */
    public void isolate(int port) {
        try (Jedis jedis = redisNode(port).endpoint().connect(RedisNode.PING_TIMEOUT)) {
            jedis.aclSetUser("default", "resetpass", ">" + ISOLATED_PASSWORD);
            jedis.clientKill(new ClientKillParams().user("default"));
        }
        LOG.info("Isolated Redis {} from Sentinels and replicas", port);
    }

    /** Ends {@link #isolate(int)}: the default user gets its password back, and Sentinels and replicas reconnect. */
    public void heal(int port) {
        var endpoint = RedisEndpoint.local(port, ISOLATED_PASSWORD);
        try (Jedis jedis = endpoint.connect(RedisNode.PING_TIMEOUT)) {
            jedis.aclSetUser("default", "resetpass", ">" + redisPassword());
        }
        LOG.info("Redis {} reachable again for Sentinels and replicas", port);
    }

    /**
     * kill -9 of the last {@code count} Sentinels; returns their ports for {@link #restartSentinel(int)}. With two of
     * three down the quorum (2) can still be met, but no failover can be authorised (a majority must vote).
     */
    public List<Integer> killSentinels(int count) {
        var killed = new ArrayList<Integer>();
        for (int i = sentinels.size() - 1; i >= 0 && killed.size() < count; i--) {
            var sentinel = sentinels.get(i);
            if (sentinel.process().isAlive()) {
                sentinel.process().kill9();
                killed.add(sentinel.port());
            }
        }
        LOG.info("Killed Sentinels {} with SIGKILL", killed);
        return killed;
    }

    /** Starts a Sentinel killed by {@link #killSentinels(int)} again, on the config it had written. */
    public void restartSentinel(int port) {
        for (int i = 0; i < sentinels.size(); i++) {
            var sentinel = sentinels.get(i);
            if (sentinel.port() == port) {
                if (sentinel.process().isAlive()) {
                    throw new StackException(sentinel + " is still running");
                }
                sentinels.set(i, SentinelNode.restart(redisServer, layout, port, options));
                return;
            }
        }
        throw new IllegalArgumentException("no Sentinel on port " + port + "; ports are " + options.sentinelPorts());
    }

    /**
     * SIGSTOP to the data nodes that are not the current master: claims still reach the master, but no replica
     * acknowledges them. Returns the paused nodes for {@link #resume(List)}.
     */
    public List<RedisNode> pauseReplicas() {
        int master = RedisEndpoint.parse(currentMasterAddress(), redisPassword()).port();
        var replicas = liveRedisNodes().stream().filter(node -> node.port() != master).toList();
        replicas.forEach(node -> node.process().pause());
        return replicas;
    }

    /** SIGCONT to nodes paused by {@link #pauseReplicas()}. */
    public void resume(List<RedisNode> nodes) {
        nodes.forEach(node -> node.process().resume());
    }

    /**
     * Waits until every Sentinel sees the master without down or failover flags and two replicas linked to it, so
     * that a test which failed Redis over leaves a calm stack to the next one.
     */
    public void awaitSettled(Duration timeout) {
        if (redisCluster != null) {
            redisCluster.awaitSettled(timeout);
            return;
        }
        Await.until(timeout, () -> masterLocator.allSentinelsSettled(2),
                "every Sentinel to see a master without failover flags and 2 linked replicas");
    }

    /**
     * SIGSTOP to every data node and Sentinel: Redis is entirely unreachable, connections hang. A pause longer than
     * 2 s puts the Sentinels into TILT mode on resume: for 30 s they then start no failover.
     */
    public void pauseRedis() {
        // Sentinels first, so none of them sees the data nodes go quiet and starts a failover.
        sentinels.forEach(sentinel -> sentinel.process().pause());
        liveRedisNodes().forEach(node -> node.process().pause());
    }

    /**
     * SIGCONT in the reverse order of {@link #pauseRedis()}, without a failover: a Sentinel that wakes up in the
     * middle of its timer finds its last PING older than down-after-milliseconds and marks the master down until
     * it reads the reply. So the data nodes must serve first, and the Sentinels wake one at a time, each only after
     * it sees the master up again, so that two of them (the quorum) never think it down together.
     */
    public void resumeRedis() {
        List<RedisNode> nodes = liveRedisNodes();
        nodes.forEach(node -> node.process().resume());
        nodes.forEach(node -> Await.until(RESUME_TIMEOUT, () -> node.endpoint().answersPing(RedisNode.PING_TIMEOUT),
                node + " to answer PING after SIGCONT"));
        for (SentinelNode sentinel : sentinels) {
            sentinel.process().resume();
            Await.until(RESUME_TIMEOUT, () -> sentinel.seesMasterUp(options.masterName()),
                    sentinel + " to see the master up after SIGCONT");
        }
    }

    /**
     * Starts an application JVM (say {@code ChildJvm.of("io.quondam.dedup.Main").withEnvironment(environment())})
     * with its log and pid file in this stack's directory; {@link #close()} kills it with the rest.
     */
    public ChildProcess startJvm(String name, ChildJvm jvm) {
        var process = jvm.start(name, layout.logFile(name), layout.pidFile(name));
        applications.add(process);
        return process;
    }

    public void createTopics(Map<String, Integer> partitionsByTopic) {
        kafka.createTopics(partitionsByTopic);
    }

    /** Every process this stack started, for checks such as "nothing left running". */
    public List<ChildProcess> processes() {
        var processes = new ArrayList<>(applications);
        if (kafka != null) {
            processes.addAll(kafka.processes());
        }
        sentinels.forEach(sentinel -> processes.add(sentinel.process()));
        redisNodes.values().forEach(node -> processes.add(node.process()));
        if (redisCluster != null) {
            redisCluster.nodes().forEach(node -> processes.add(node.process()));
        }
        if (guard != null) {
            processes.add(guard);
        }
        if (postgres != null) {
            processes.add(postgres.process());
        }
        return processes;
    }

    /** Lets the processes outlive this JVM (scripts/stack.sh up); {@link #close()} still kills them. */
    public void detach() {
        unhook();
    }

    /** kill -9 of every process this stack started; idempotent. */
    @Override
    public void close() {
        unhook();
        killAll();
    }

    private synchronized void killAll() {
        for (ChildProcess process : processes()) {
            try {
                process.kill9();
            } catch (RuntimeException e) {
                LOG.warn("Could not kill {}: {}", process, e.getMessage());
            }
        }
    }

    private synchronized void unhook() {
        if (hooked) {
            hooked = false;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook itself
            }
        }
    }

    private void requireSentinel(String what) {
        if (options.redisCluster()) {
            throw new StackException("a Redis Cluster has no " + what + "; see redisCluster() and failOverRedis()");
        }
    }

    /** The data nodes whose process is alive, master and replicas. */
    public List<RedisNode> liveRedisNodes() {
        if (redisCluster != null) {
            return redisCluster.liveNodes();
        }
        return redisNodes.values().stream().filter(RedisNode::isAlive).toList();
    }
}
