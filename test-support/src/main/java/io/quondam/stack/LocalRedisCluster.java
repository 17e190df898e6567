package io.quondam.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.MigrateParams;

/**
 * A Redis Cluster on 127.0.0.1 from the same redis-server binary as the local stack: {@code shards} masters, each
 * with one replica, the 16,384 slots split evenly between the masters. The nodes run with the stack's settings (AUTH,
 * the service user, a master refuses writes without a replica) plus cluster mode, under {@code dir}. Formed with
 * plain CLUSTER commands, as {@code redis-cli --cluster create} does, so no other tool is needed.
 */
public final class LocalRedisCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRedisCluster.class);
    public static final int SLOTS = 16_384;
    static final int BUS_PORT_OFFSET = 10_000;
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final StackLayout layout;
    private final String password;
    private final Map<Integer, RedisNode> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Integer> masterPorts;
    private final List<Integer> replicaPorts;
    private Path redisServer;
    /** Stops the nodes if the JVM exits without {@link #close}: no redis-server outlives the test or the bench. */
    private final Thread shutdownHook = new Thread(this::stopNodes, "local-redis-cluster-shutdown");

    private boolean hooked;

    private LocalRedisCluster(StackLayout layout, String password, List<Integer> ports, int shards) {
        if (shards < 1 || shards > 16) {
            throw new IllegalArgumentException("shards must be 1-16, was " + shards);
        }
        this.layout = layout;
        this.password = password;
        this.masterPorts = List.copyOf(ports.subList(0, shards));
        this.replicaPorts = List.copyOf(ports.subList(shards, 2 * shards));
    }

    /**
     * Starts and forms a cluster of its own in {@code dir} on free ports; returns once every node sees every slot
     * served and every replica in sync. Its nodes are stopped by {@link #close()}, or when this JVM exits.
     */
    public static LocalRedisCluster start(Path dir, int shards, String password) {
        var layout = new StackLayout(dir);
        layout.resetForNewStack();
        var cluster = new LocalRedisCluster(layout, password,
                FreePorts.allocateWithCompanion(2 * shards, BUS_PORT_OFFSET), shards);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        cluster.hooked = true;
        try {
            cluster.form(RedisServerBinary.locate(layout.binDir()));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Forms a cluster as part of a local stack: on {@code ports} (masters first, then one replica each), with pid files
     * and logs in the stack's {@code layout}, so the stack (or {@code scripts/stack.sh down}) stops its nodes.
     */
    static LocalRedisCluster formIn(StackLayout layout, Path redisServer, List<Integer> ports, String password) {
        if (ports.size() % 2 != 0) {
            throw new IllegalArgumentException("a master and a replica per shard, got " + ports.size() + " ports");
        }
        var cluster = new LocalRedisCluster(layout, password, ports, ports.size() / 2);
        try {
            cluster.form(redisServer);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close(); // the stack does not know these nodes yet
            throw e;
        }
    }

    /** The cluster bus ports that nodes on {@code ports} also bind. */
    static List<Integer> busPorts(List<Integer> ports) {
        return ports.stream().map(port -> port + BUS_PORT_OFFSET).toList();
    }

    private void form(Path redisServer) {
        this.redisServer = redisServer;
        long started = System.nanoTime();
        for (int port : allPorts()) {
            nodes.put(port, RedisNode.startClusterNode(redisServer, layout, port, password));
        }
        var ids = new LinkedHashMap<Integer, String>();
        for (int i = 0; i < masterPorts.size(); i++) {
            int from = i * SLOTS / masterPorts.size();
            int to = (i + 1) * SLOTS / masterPorts.size();
            try (var jedis = connect(masterPorts.get(i))) {
                jedis.clusterAddSlots(IntStream.range(from, to).toArray());
                ids.put(masterPorts.get(i), jedis.clusterMyId());
            }
        }
        int first = masterPorts.get(0);
        try (var jedis = connect(first)) {
            for (int port : allPorts()) {
                if (port != first) {
                    jedis.clusterMeet("127.0.0.1", port);
                }
            }
        }
        Await.until(FORM_TIMEOUT, () -> allPorts().stream().allMatch(this::knowsEveryNode),
                "every cluster node to know the " + allPorts().size() + " others");
        for (int i = 0; i < replicaPorts.size(); i++) {
            try (var jedis = connect(replicaPorts.get(i))) {
                jedis.clusterReplicate(ids.get(masterPorts.get(i)));
            }
        }
        // A master takes writes (min-replicas-to-write) once it counts its replica as good, not when the link is up.
        Await.until(FORM_TIMEOUT, () -> allPorts().stream().allMatch(this::clusterOk)
                && replicaPorts.stream().allMatch(port -> nodes.get(port).replicationLinkUp())
                && masterPorts.stream().allMatch(this::hasAGoodReplica),
                "the cluster to serve every slot, every replica to sync and every master to take writes");
        LOG.info("Redis Cluster up in {} ms: masters {}, replicas {}, dir {}",
                (System.nanoTime() - started) / 1_000_000, masterPorts, replicaPorts, layout.dir());
    }

    private boolean knowsEveryNode(int port) {
        return answers(port, jedis -> jedis.clusterNodes().lines().filter(line -> !line.contains("handshake"))
                .count() == allPorts().size());
    }

    private boolean hasAGoodReplica(int port) {
        return answers(port, jedis -> jedis.info("replication").lines().anyMatch(
                line -> line.startsWith("min_slaves_good_slaves:") && !line.strip().endsWith(":0")));
    }

    private boolean clusterOk(int port) {
        return answers(port, jedis -> jedis.clusterInfo().contains("cluster_state:ok"));
    }

    /** Whether the node on {@code port} answers and its answer passes {@code check}; false when it does not answer. */
    private boolean answers(int port, Predicate<Jedis> check) {
        try (var jedis = connect(port)) {
            return check.test(jedis);
        } catch (JedisException e) {
            return false;
        }
    }

    private Jedis connect(int port) {
        return nodes.get(port).endpoint().connect(TIMEOUT);
    }

    /**
     * Moves {@code slot} from {@code sourcePort}'s master to {@code targetPort}'s, keys and all, as a resharding does:
     * {@link #beginSlotMove}, {@link #migrateSlotKeys}, {@link #finishSlotMove}.
     */
    public void moveSlot(int slot, int sourcePort, int targetPort) {
        beginSlotMove(slot, sourcePort, targetPort);
        migrateSlotKeys(slot, sourcePort, targetPort);
        finishSlotMove(slot, targetPort);
    }

    /**
     * Marks {@code slot} IMPORTING on the target and MIGRATING on the source. From now on the source answers ASK for a
     * key of the slot it does not hold (one already moved, or a new one), and the target serves such a key only after
     * ASKING; every other node still answers MOVED to the source.
     */
    public void beginSlotMove(int slot, int sourcePort, int targetPort) {
        try (var source = connect(sourcePort); var target = connect(targetPort)) {
            target.clusterSetSlotImporting(slot, source.clusterMyId());
            source.clusterSetSlotMigrating(slot, target.clusterMyId());
        }
    }

    /** MIGRATE of every key of {@code slot} from the source to the target, 100 at a time. */
    public void migrateSlotKeys(int slot, int sourcePort, int targetPort) {
        try (var source = connect(sourcePort)) {
            for (var keys = source.clusterGetKeysInSlotBinary(slot, 100); !keys.isEmpty();
                    keys = source.clusterGetKeysInSlotBinary(slot, 100)) {
                source.migrate("127.0.0.1", targetPort, 0, 5_000, MigrateParams.migrateParams().auth(password),
                        keys.toArray(new byte[0][]));
            }
        }
    }

    /** Announces the target as the owner of {@code slot} to every live master: from now on every node answers MOVED. */
    public void finishSlotMove(int slot, int targetPort) {
        String targetId;
        try (var target = connect(targetPort)) {
            targetId = target.clusterMyId();
            target.clusterSetSlotNode(slot, targetId);
        }
        for (int port : topology().masters()) {
            if (port != targetPort && nodes.get(port).isAlive()) {
                try (var master = connect(port)) {
                    master.clusterSetSlotNode(slot, targetId);
                }
            }
        }
    }

    /** Waits until the node on {@code port} is a master that sees every slot served (say, after a failover). */
    public void awaitMaster(int port, Duration timeout) {
        Await.until(timeout, () -> answers(port, jedis -> jedis.info("replication").contains("role:master"))
                && clusterOk(port), RedisNode.name(port) + " to serve as a master");
    }

    /** Who serves which slots, as the first live node that answers sees it. */
    public ClusterTopology topology() {
        return Await.untilPresent(TIMEOUT.multipliedBy(5), () -> view(),
                "a node of the Redis Cluster to answer CLUSTER SLOTS");
    }

    /** The view of the first live node that answers; empty when none does. */
    private Optional<ClusterTopology> view() {
        return ClusterTopology.ask(liveNodes().stream().map(RedisNode::endpoint).toList(), TIMEOUT);
    }

    /** kill -9 of the master now serving {@code slot}; returns its port. */
    public int killMasterOf(int slot) {
        int port = topology().masterOf(slot)
                .orElseThrow(() -> new StackException("no master serves slot " + slot + " now"));
        node(port).process().kill9();
        LOG.info("Killed Redis Cluster master {} (slot {}) with SIGKILL", port, slot);
        return port;
    }

    /**
     * Waits until the slots of the killed master {@code killedPort} have a new master (its replica, elected by the
     * other masters) that serves them; returns the new master's port.
     */
    public int awaitPromotion(int killedPort, int slot, Duration timeout) {
        int promoted = Await.untilPresent(timeout, () -> view().flatMap(view -> view.masterOf(slot))
                        .filter(port -> port != killedPort),
                "the replica of " + RedisNode.name(killedPort) + " to take over slot " + slot);
        awaitMaster(promoted, timeout);
        return promoted;
    }

    /**
     * Waits until every node runs and sees every slot served, and every master counts a good replica (so takes
     * writes): a test that failed a shard over leaves a calm cluster to the next fault.
     */
    public void awaitSettled(Duration timeout) {
        Await.until(timeout, () -> nodes.values().stream().allMatch(RedisNode::isAlive)
                        && allPorts().stream().allMatch(this::clusterOk)
                        && ClusterTopology.ask(List.of(node(allPorts().get(0)).endpoint()), TIMEOUT)
                                .filter(view -> view.coversEverySlot() && view.masters().size() == masterPorts.size())
                                .map(view -> view.masters().stream().allMatch(this::hasAGoodReplica)).orElse(false),
                "every cluster node to run and see every slot served, and every master to have a good replica");
    }

    /**
     * Starts a killed node again; it rejoins the cluster, empty, as a replica of whoever took its slots. Refused while
     * the node still serves slots in the cluster's view: it would come back as their master, with none of their keys.
     */
    public RedisNode restart(int port) {
        if (node(port).isAlive()) {
            throw new StackException(RedisNode.name(port) + " is still running");
        }
        var node = restartFailedOver(redisServer, layout, port, password, view());
        nodes.put(port, node);
        return node;
    }

    /**
     * Starts the killed cluster node on {@code port} again in its old directory, given the cluster's slot map as a
     * live node sees it ({@code view}; empty when none answered). Refused while that view still names the node as a
     * slot's master, or without a view: it would come back as their master, with none of their keys.
     */
    static RedisNode restartFailedOver(Path redisServer, StackLayout layout, int port, String password,
                                       Optional<ClusterTopology> view) {
        if (view.map(topology -> topology.serves(port)).orElse(true)) {
            throw new StackException(RedisNode.name(port) + " still serves slots; wait for its replica to take over");
        }
        return RedisNode.restartClusterNode(redisServer, layout, port, password);
    }

    /** Whether another node has taken over every slot the (dead) node on {@code port} served. */
    public boolean failedOverFrom(int port) {
        return view().map(view -> !view.serves(port)).orElse(false);
    }

    /** The nodes whose process is alive. */
    public List<RedisNode> liveNodes() {
        return nodes.values().stream().filter(RedisNode::isAlive).toList();
    }

    /** Every node started, alive or not. */
    public List<RedisNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** Masters first, then their replicas in the same order. */
    public List<Integer> allPorts() {
        var all = new ArrayList<>(masterPorts);
        all.addAll(replicaPorts);
        return all;
    }

    /** The addresses to give a client as seeds: every node, {@code 127.0.0.1:port}. */
    public List<String> seeds() {
        return allPorts().stream().map(port -> "127.0.0.1:" + port).toList();
    }

    public List<Integer> masterPorts() {
        return masterPorts;
    }

    public RedisNode node(int port) {
        var node = nodes.get(port);
        if (node == null) {
            throw new StackException("no cluster node on port " + port);
        }
        return node;
    }

    public String password() {
        return password;
    }

    public Path dir() {
        return layout.dir();
    }

    @Override
    public void close() {
        stopNodes();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook itself
            }
        }
    }

    private void stopNodes() {
        for (var node : nodes.values()) {
            node.process().stop(TIMEOUT);
        }
    }
}
