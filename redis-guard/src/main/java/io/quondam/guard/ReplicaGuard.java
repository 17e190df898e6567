package io.quondam.guard;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Keeps one Redis data node's {@code replica-priority} at 0, so that Sentinel never promotes it, unless the node is
 * a replica that holds everything its master has confirmed: counted by its master as an online replica
 * (writers wait for every such replica, see {@code RedisKeyStore#awaitReplication}) at every look since it caught up
 * with the offset the master had at the look before (or at that one). The master is the one the Sentinels name.
 * When that master does not answer (it died), has no online replica, or is itself a replica (a failover in progress,
 * seen from a Sentinel not yet told of it), the node keeps its priority: such a master confirms nothing more, and the
 * failover needs a promotable replica.
 *
 * <p>The guard keeps nothing worth keeping across its own restarts: each look reads the node and its master again,
 * and a fresh guard needs one look more to raise a priority.
 *
 * <p>Not thread-safe: one guard per node, called from one thread.
 */
public final class ReplicaGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaGuard.class);

    /** What the guard set the node's priority to, and why. */
    public record Decision(int priority, String reason) {
        public boolean promotable() {
            return priority > 0;
        }
    }

    private final HostAndPort node;
    private final JedisClientConfig clientConfig;
    private final int promotablePriority;
    private final java.util.Optional<SentinelView> sentinels;

    private Jedis nodeConnection;
    /** {@link #announcedSelf()}, cached while {@link #nodeConnection} lasts. */
    private HostAndPort announced;
    private Jedis masterConnection;
    private HostAndPort masterAddress;
    /** The master's offset and history at the previous look at which this node was an online replica of it. */
    private long previousMasterOffset = -1;
    private String previousReplicationId = "";
    /** The master's history on which this node caught up and has been counted online at every look since. */
    private String caughtUpWith = "";
    /** When the master first failed to answer, from {@link System#nanoTime()}; -1 while it answers. */
    private long masterSilentSince = -1;
    private HostAndPort silentMaster;
    private Decision last;

    /**
     * A guard of {@code node}, which asks {@code sentinels} (named {@code masterName}) which node is master; with no
     * Sentinels it asks the master the node replicates from, and keeps the priority while that master is silent.
     */
    public ReplicaGuard(HostAndPort node, String password, int promotablePriority, Duration timeout,
                        java.util.List<HostAndPort> sentinels, String masterName, String sentinelPassword) {
        if (promotablePriority < 1) {
            throw new IllegalArgumentException("a promotable priority must be at least 1, was " + promotablePriority);
        }
        this.node = Objects.requireNonNull(node);
        this.clientConfig = DefaultJedisClientConfig.builder()
                .password(password)
                .timeoutMillis((int) timeout.toMillis())
                .clientName("quondam-guard")
                .resp2()
                .build();
        this.promotablePriority = promotablePriority;
        var sentinelConfig = DefaultJedisClientConfig.builder()
                .password(sentinelPassword.isEmpty() ? null : sentinelPassword)
                .timeoutMillis((int) timeout.toMillis())
                .clientName("quondam-guard")
                .resp2()
                .build();
        this.sentinels = sentinels.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new SentinelView(sentinels, masterName, sentinelConfig));
    }

    /**
     * Looks at the node and its master once and sets the node's priority to match. Returns the decision, or empty
     * when the node does not answer: then nothing can be changed, and Sentinel will not promote a node that does not
     * answer it either.
     */
    public java.util.Optional<Decision> check() {
        try {
            var decision = decide();
            apply(decision);
            if (last == null || last.priority() != decision.priority()) {
                log.info("Redis {}: replica-priority {} ({})", node, decision.priority(), decision.reason());
            }
            last = decision;
            return java.util.Optional.of(decision);
        } catch (JedisException e) {
            forget();
            closeNode();
            if (last != null) {
                log.warn("Redis {} does not answer the guard: {}", node, e.getMessage());
                last = null;
            }
            return java.util.Optional.empty();
        }
    }

    private Decision decide() {
        var own = ReplicationInfo.parse(node().info("replication"));
        if (own.isMaster()) {
            forget();
            // A master is never a candidate; should it become a replica, it starts unpromotable and must catch up.
            return unpromotable("a master");
        }
        if (own.syncing() && node().info("persistence").contains("loading:1")) {
            // Until it loads the new copy a syncing replica keeps its data; from then on it holds only part of it.
            return unpromotable("loading a full copy from its master");
        }
        var sentinelsSay = sentinels.flatMap(SentinelView::ask);
        // The master the Sentinels name, else (no answer, or a Sentinel not yet told of a failover) the one this
        // node replicates from.
        var candidates = new java.util.LinkedHashSet<HostAndPort>();
        sentinelsSay.ifPresent(answer -> candidates.add(answer.master()));
        if (own.masterPort() > 0) {
            candidates.add(new HostAndPort(own.masterHost(), own.masterPort()));
        }
        if (candidates.isEmpty()) {
            return new Decision(currentPriority(), "no master known: no Sentinel answers; priority kept");
        }
        ReplicationInfo master = null;
        HostAndPort masterAddress = null;
        boolean anyAnswered = false;
        for (HostAndPort candidate : candidates) {
            try {
                var info = ReplicationInfo.parse(master(candidate).info("replication"));
                anyAnswered = true;
                if (info.isMaster()) {
                    master = info;
                    masterAddress = candidate;
                    break;
                }
            } catch (JedisException e) {
                closeMaster();
            }
        }
        if (!anyAnswered) {
            return masterSilent(candidates.iterator().next(), sentinelsSay);
        }
        masterSilentSince = -1;
        if (master == null) {
            // Every node asked is a replica: a failover in progress, seen from a Sentinel not yet told of it. A
            // replica confirms nothing, so this node still holds what it held.
            forget();
            return new Decision(currentPriority(), "no master among " + candidates + " yet; priority kept");
        }
        boolean sameHistory = master.replicationId().equals(own.replicationId());
        if (!sameHistory || master.replicas().stream().noneMatch(r -> r.online() && isThisNode(r))) {
            if (master.replicas().stream().noneMatch(ReplicationInfo.Replica::online)) {
                // Without an online replica the master confirms nothing (writers wait for at least one): this node
                // still holds all that was confirmed while it was counted online, even while it downloads a full
                // copy. The moment of a failover, before the replicas have resynced with the promoted one.
                forget();
                return new Decision(currentPriority(), "its master " + masterAddress
                        + " has no online replica to confirm writes with; priority kept");
            }
            return unpromotable(sameHistory ? "its master does not count it as an online replica"
                    : "its master is on another replication history");
        }
        if (caughtUpWith.equals(master.replicationId())) {
            // Counted online ever since it caught up: every write confirmed since then waited for it, lag or not.
            return new Decision(promotablePriority, "online replica of " + masterAddress);
        }
        long masterOffset = master.masterOffset();
        // Read after the master's offset: everything the master had then, this node has processed now.
        var ownAfter = ReplicationInfo.parse(node().info("replication"));
        long target = previousReplicationId.equals(master.replicationId()) && previousMasterOffset >= 0
                ? Math.min(previousMasterOffset, masterOffset) : masterOffset;
        previousMasterOffset = masterOffset;
        previousReplicationId = master.replicationId();
        if (!ownAfter.linkUp() || !ownAfter.replicationId().equals(master.replicationId())) {
            return unpromotable("its link to the master changed while looking");
        }
        if (ownAfter.replicaOffset() < target) {
            return new Decision(0, "catching up: offset " + ownAfter.replicaOffset() + " of " + target);
        }
        caughtUpWith = master.replicationId();
        return new Decision(promotablePriority, "online replica of " + masterAddress + ", caught up to offset "
                + target);
    }

    private int currentPriority() {
        return Integer.parseInt(config("replica-priority"));
    }

    /**
     * A dead master confirms nothing more without this node, so what the node holds is what it held when it was last
     * counted online: it keeps its priority, and the failover has its candidate. But a master that only this guard
     * cannot reach may still confirm writes without the node, so the priority is kept only while the Sentinels see
     * the master down, or for twice their down-after time (the time they need to see it).
     */
    private Decision masterSilent(HostAndPort masterAddress, java.util.Optional<SentinelView.Answer> sentinelsSay) {
        long now = System.nanoTime();
        if (masterSilentSince < 0 || !masterAddress.equals(silentMaster)) {
            masterSilentSince = now; // a new master (a failover named it) gets its own grace
            silentMaster = masterAddress;
        }
        int current = currentPriority();
        boolean seenDown = sentinelsSay.map(SentinelView.Answer::down).orElse(true);
        long graceNanos = sentinelsSay.map(answer -> answer.downAfter().multipliedBy(2).toNanos())
                .orElse(Long.MAX_VALUE);
        if (seenDown || now - masterSilentSince < graceNanos) {
            return new Decision(current,
                    "its master " + masterAddress + " does not answer; priority kept for a failover");
        }
        return unpromotable("its master " + masterAddress + " does not answer this guard, but the Sentinels see it up");
    }

    private Decision unpromotable(String reason) {
        forget();
        return new Decision(0, reason);
    }

    private void forget() {
        previousMasterOffset = -1;
        previousReplicationId = "";
        caughtUpWith = "";
    }

    /** Whether the master's replica line is this node: the announced address, or our port when none is announced. */
    private boolean isThisNode(ReplicationInfo.Replica replica) {
        var self = announcedSelf();
        return replica.port() == self.getPort()
                && (self.getHost().isEmpty() || self.getHost().equalsIgnoreCase(replica.ip()));
    }

    /** How the node announces itself to its master (empty host: none announced); read once per node connection. */
    private HostAndPort announcedSelf() {
        if (announced == null) {
            String ip = config("replica-announce-ip");
            String port = config("replica-announce-port");
            announced = new HostAndPort(ip,
                    port.isEmpty() || "0".equals(port) ? node.getPort() : Integer.parseInt(port));
        }
        return announced;
    }

    private String config(String name) {
        var values = node().configGet(name);
        return values.getOrDefault(name, "").strip();
    }

    private void apply(Decision decision) {
        String current = config("replica-priority");
        if (!current.equals(Integer.toString(decision.priority()))) {
            node().configSet("replica-priority", Integer.toString(decision.priority()));
        }
    }

    private Jedis node() {
        if (nodeConnection == null) {
            nodeConnection = new Jedis(node, clientConfig);
        }
        return nodeConnection;
    }

    private Jedis master(HostAndPort address) {
        if (masterConnection != null && !address.equals(masterAddress)) {
            closeMaster();
        }
        if (masterConnection == null) {
            masterConnection = new Jedis(address, clientConfig);
            masterAddress = address;
        }
        return masterConnection;
    }

    private void closeNode() {
        quietlyClose(nodeConnection);
        nodeConnection = null;
        announced = null; // a restarted node may announce itself otherwise
    }

    private void closeMaster() {
        quietlyClose(masterConnection);
        masterConnection = null;
        masterAddress = null;
    }

    private static void quietlyClose(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (JedisException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() {
        closeNode();
        closeMaster();
        sentinels.ifPresent(SentinelView::close);
    }

    @Override
    public String toString() {
        return "guard of " + node;
    }
}
