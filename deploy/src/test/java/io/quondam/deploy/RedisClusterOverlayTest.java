package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis Cluster overlay: nothing of Sentinel mode is left, the services, the StatefulSet and the Job that forms
 * the cluster name the same six nodes, and the nodes' settings and scripts do what a cluster on Kubernetes needs.
 */
class RedisClusterOverlayTest {
    private static final List<String> CLIENTS = List.of("dedup-processor", "key-api");
    /** CLUSTER INFO (in part) of a node that has met no other, and of a node of the formed cluster. */
    private static final String FRESH = "cluster_state:fail\r\ncluster_slots_assigned:0\r\ncluster_known_nodes:1\r\n";
    private static final String FORMED =
            "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:6\r\n";

    private static KustomizeBuild build() {
        return KustomizeBuild.of(Repository.path("k8s/overlays/redis-cluster"));
    }

    private static StatefulSet statefulSet(KustomizeBuild build) {
        return build.get("StatefulSet", "redis-cluster").as(StatefulSet.class);
    }

    private static ServicePort servicePort(KustomizeBuild build) {
        var service = build.get("Service", statefulSet(build).getSpec().getServiceName()).as(Service.class);
        return service.getSpec().getPorts().stream().filter(port -> port.getName().equals("redis")).findFirst()
                .orElseThrow();
    }

    /** {@code host:port} of each pod of the StatefulSet, by its stable name under the headless Service, in order. */
    private static List<String> podAddresses(KustomizeBuild build) {
        var statefulSet = statefulSet(build);
        var addresses = new ArrayList<String>();
        for (int i = 0; i < statefulSet.getSpec().getReplicas(); i++) {
            addresses.add(statefulSet.getMetadata().getName() + "-" + i + "." + statefulSet.getSpec().getServiceName()
                    + ":" + servicePort(build).getPort());
        }
        return addresses;
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Container jobContainer(KustomizeBuild build) {
        var containers = build.get("Job", "redis-cluster-create").as(Job.class).getSpec().getTemplate().getSpec()
                .getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> clusterConfig(KustomizeBuild build) {
        return build.get("ConfigMap", "redis-cluster").as(ConfigMap.class).getData();
    }

    private static Map<String, EnvVar> clientEnvironment(KustomizeBuild build, String client) {
        return ConsistencyTest.environment(build, ConsistencyTest.container(build, client));
    }

    @Test
    void shouldLeaveNothingOfSentinelModeBehind() {
        var build = build();

        assertThat(build.all()).extracting(Manifest::id).doesNotContain("StatefulSet/redis", "Service/redis",
                "PodDisruptionBudget/redis", "ConfigMap/redis-scripts");
        for (var manifest : build.all()) {
            assertThat(manifest.tree().toString().toLowerCase(Locale.ROOT)).as(manifest.id())
                    .doesNotContain("sentinel");
        }
        ConsistencyTest.podTemplates(build).forEach((id, template) -> assertThat(template.getSpec().getContainers())
                .as(id).noneMatch(c -> c.getImage().contains("redis-guard")));
        // Not vacuous: the overlay below has them.
        assertThat(KustomizeBuild.of(Repository.path("k8s/overlays/minikube")).all()).extracting(Manifest::id)
                .contains("StatefulSet/sentinel", "Service/sentinel", "StatefulSet/redis");
    }

    @Test
    void shouldPointBothServicesAtExactlyThePodsOfTheClusterStatefulSet() {
        var build = build();
        var pods = podAddresses(build);

        assertThat(pods).hasSize(6).doesNotHaveDuplicates();
        for (String client : CLIENTS) {
            var env = clientEnvironment(build, client);
            assertThat(ConsistencyTest.value(env, "QUONDAM_REDIS_MODE")).as(client).isEqualTo("cluster");
            assertThat(ConsistencyTest.value(env, "QUONDAM_REDIS_NODES").split(",")).as(client)
                    .containsExactlyElementsOf(pods);
            assertThat(env).as(client).doesNotContainKeys("QUONDAM_REDIS_SENTINELS", "QUONDAM_REDIS_MASTER_NAME");
        }
        // The names resolve before the pods are ready (only a formed cluster is), at the port Redis listens on.
        var service = build.get("Service", statefulSet(build).getSpec().getServiceName()).as(Service.class);
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
        var redis = container(statefulSet(build).getSpec().getTemplate().getSpec(), "redis");
        var port = servicePort(build);
        assertThat(redis.getPorts()).filteredOn(p -> p.getName().equals(port.getTargetPort().getStrVal()))
                .singleElement().extracting(ContainerPort::getContainerPort).isEqualTo(port.getPort());
        assertThat(clusterConfig(build).get("redis.conf")).containsPattern("(?m)^port " + port.getPort() + "$");
    }

    @Test
    void shouldFormThreeMastersWithOneReplicaEachFromThosePods() {
        var build = build();
        var job = build.get("Job", "redis-cluster-create").as(Job.class).getSpec().getTemplate().getSpec();
        var env = ConsistencyTest.environment(build, jobContainer(build));
        int replicasPerMaster = Integer.parseInt(ConsistencyTest.value(env, "CLUSTER_REPLICAS"));
        int nodes = statefulSet(build).getSpec().getReplicas();

        assertThat(ConsistencyTest.value(env, "REDIS_NODES").split(",")).containsExactlyElementsOf(podAddresses(build));
        assertThat(replicasPerMaster).isEqualTo(1);
        assertThat(nodes % (replicasPerMaster + 1)).isZero();
        assertThat(nodes / (replicasPerMaster + 1)).as("masters").isEqualTo(3);
        assertThat(jobContainer(build).getCommand()).containsExactly("sh", "/scripts/create-cluster.sh");
        assertThat(job.getVolumes()).anyMatch(volume -> volume.getConfigMap() != null
                && volume.getConfigMap().getName().equals("redis-cluster"));
        assertThat(clusterConfig(build)).containsKey("create-cluster.sh");
        // No redis-guard, so any replica may be elected: every replica of a shard must confirm each write.
        for (String client : CLIENTS) {
            assertThat(ConsistencyTest.value(clientEnvironment(build, client), "QUONDAM_MIN_REPLICAS")).as(client)
                    .isEqualTo(String.valueOf(replicasPerMaster));
        }
    }

    @Test
    void shouldCreateTheClusterFromFreshNodesOnlyAndLeaveAFormedOneAlone(@TempDir Path dir) throws Exception {
        var build = build();
        var env = ConsistencyTest.environment(build, jobContainer(build));
        var variables = List.of("REDIS_NODES=" + ConsistencyTest.value(env, "REDIS_NODES"),
                "CLUSTER_REPLICAS=" + ConsistencyTest.value(env, "CLUSTER_REPLICAS"));
        var hosts = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            hosts.append("10.0.0.").append(10 + i).append(" redis-cluster-").append(i).append(".redis-cluster\n");
        }
        stubTools(dir, hosts.toString());
        String script = clusterConfig(build).get("create-cluster.sh");

        Files.writeString(dir.resolve("info"), FRESH);
        var fresh = runScript(dir, script, variables);
        assertThat(fresh.exitCode()).as(fresh.output()).isZero();
        assertThat(clusterCalls(dir)).containsExactly("--cluster create 10.0.0.10:6379 10.0.0.11:6379 10.0.0.12:6379 "
                + "10.0.0.13:6379 10.0.0.14:6379 10.0.0.15:6379 --cluster-replicas 1 --cluster-yes");

        Files.writeString(dir.resolve("info"), FORMED);
        var formed = runScript(dir, script, variables);
        assertThat(formed.exitCode()).as(formed.output()).isZero();
        assertThat(clusterCalls(dir)).isEmpty();

        Files.writeString(dir.resolve("info-redis-cluster-4.redis-cluster"), FRESH);
        var partly = runScript(dir, script, variables);
        assertThat(partly.exitCode()).isNotZero();
        assertThat(partly.output()).contains("partly formed: 1 of 6 nodes know no other node");
        assertThat(clusterCalls(dir)).isEmpty();
    }

    @Test
    void shouldPointEachPeerInNodesConfAtTheIpItsHostNameHasNow(@TempDir Path dir) throws Exception {
        stubTools(dir, "10.1.0.1 redis-cluster-0.redis-cluster\n10.1.0.2 redis-cluster-1.redis-cluster\n");
        String mine = "a 10.0.0.1:6379@16379,redis-cluster-0.redis-cluster,shard-id=s1 myself,master - 0 0 1 connected"
                + " 0-5460\n";
        String gone = "c 10.0.0.3:6379@16379,redis-cluster-4.redis-cluster,shard-id=s2 slave b 0 0 2 connected\n";
        String nameless = "d 10.0.0.4:6379@16379,,tls-port=0,shard-id=s3 master - 0 0 3 connected 10923-16383\n";
        String vars = "vars currentEpoch 6 lastVoteEpoch 0\n";
        String peer = "b %s:6379@16379,redis-cluster-1.redis-cluster,shard-id=s2 master - 0 0 2 connected 5461-10922\n";
        Path nodes = Files.writeString(dir.resolve("nodes.conf"),
                mine + peer.formatted("10.0.0.2") + gone + nameless + vars);

        var result = runScript(dir, clusterConfig(build()).get("refresh-node-ips.sh"), List.of(), nodes.toString(),
                "0");

        assertThat(result.exitCode()).as(result.output()).isZero();
        // Its own line stays (it announces its pod IP); a name that does not resolve, or no name, keeps the IP.
        assertThat(Files.readString(nodes)).isEqualTo(mine + peer.formatted("10.1.0.2") + gone + nameless + vars);
    }

    /**
     * A node that was a master waits, before Redis starts, longer than its replica needs to be elected (node timeout,
     * then the election); a replica, or a node without nodes.conf, starts at once.
     */
    @Test
    void shouldHoldBackANodeThatWasAMasterUntilItsReplicaCanHaveTakenOver(@TempDir Path dir) throws Exception {
        stubTools(dir, "");
        var config = clusterConfig(build());
        var call = java.util.regex.Pattern.compile("sh /scripts/wait-out-failover\\.sh /data/nodes\\.conf (\\d+)")
                .matcher(config.get("init-redis-cluster.sh"));
        assertThat(call.find()).as("the init script waits out a failover").isTrue();
        int nodeTimeoutMillis = Integer.parseInt(config.get("redis.conf").lines()
                .filter(line -> line.startsWith("cluster-node-timeout ")).findFirst().orElseThrow().split(" ")[1]);
        assertThat(Integer.parseInt(call.group(1)) * 1000).isGreaterThanOrEqualTo(2 * nodeTimeoutMillis);
        String script = config.get("wait-out-failover.sh");
        String master = "a 10.0.0.1:6379@16379,redis-cluster-0.redis-cluster myself,master - 0 0 1 connected 0-5460\n";
        String replica = "a 10.0.0.1:6379@16379,redis-cluster-0.redis-cluster myself,slave b 0 0 1 connected\n";

        Path nodes = Files.writeString(dir.resolve("nodes.conf"), master);
        assertThat(runScript(dir, script, List.of(), nodes.toString(), "12").exitCode()).isZero();
        assertThat(Files.readAllLines(dir.resolve("calls"))).containsExactly("sleep 12");

        Files.writeString(nodes, replica);
        assertThat(runScript(dir, script, List.of(), nodes.toString(), "12").exitCode()).isZero();
        assertThat(dir.resolve("calls")).doesNotExist();

        assertThat(runScript(dir, script, List.of(), dir.resolve("none.conf").toString(), "12").exitCode()).isZero();
        assertThat(dir.resolve("calls")).doesNotExist();
    }

    @Test
    void shouldRunEachNodeForTheClusterWithTheBaseNodesUserAndHardening(@TempDir Path dir) throws Exception {
        var build = build();
        var config = clusterConfig(build);
        String redisConf = config.get("redis.conf");
        var pod = statefulSet(build).getSpec().getTemplate().getSpec();
        var redis = container(pod, "redis");
        var basePod = KustomizeBuild.of(Repository.path("k8s/base")).get("StatefulSet", "redis").as(StatefulSet.class)
                .getSpec().getTemplate().getSpec();
        var baseConfig = KustomizeBuild.of(Repository.path("k8s/base")).get("ConfigMap", "redis-scripts")
                .as(ConfigMap.class).getData();
        String tested = Repository.read(
                Repository.path("test-support/src/main/resources/io/quondam/stack/service-user.acl"));

        assertThat(redisConf).containsPattern("(?m)^cluster-enabled yes$")
                .containsPattern("(?m)^cluster-config-file nodes\\.conf$")
                .containsPattern("(?m)^cluster-preferred-endpoint-type hostname$")
                .containsPattern("(?m)^min-replicas-to-write 1$").containsPattern("(?m)^min-replicas-max-lag 5$")
                .containsPattern("(?m)^maxmemory-policy noeviction$")
                // Not 0, which lets a replica that never synced since its restart be elected (docs/durability.md).
                .containsPattern("(?m)^cluster-replica-validity-factor [1-9]\\d*$");
        assertThat(config.get("service-user.acl")).isEqualTo(baseConfig.get("service-user.acl"))
                .isEqualToIgnoringWhitespace(tested);
        assertThat(config.get("init-redis-cluster.sh"))
                .contains("user quondam on >$SERVICE_PASSWORD $(cat /scripts/service-user.acl)")
                .contains("cluster-announce-ip $POD_IP").contains("cluster-announce-hostname ")
                .contains("sh /scripts/refresh-node-ips.sh /data/nodes.conf ");
        assertThat(pod.getInitContainers().get(0).getEnv()).anyMatch(var -> var.getName().equals("POD_IP")
                && var.getValueFrom().getFieldRef().getFieldPath().equals("status.podIP"));

        // nodes.conf is in dir, on the pod's claim: a restarted pod keeps its identity in the cluster.
        var dataDir = Pattern.compile("(?m)^dir (\\S+)$").matcher(redisConf);
        assertThat(dataDir.find()).isTrue();
        var dataMount = redis.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals(dataDir.group(1))).findFirst().orElseThrow();
        assertThat(statefulSet(build).getSpec().getVolumeClaimTemplates())
                .anyMatch(claim -> claim.getMetadata().getName().equals(dataMount.getName()));
        var maxmemory = Pattern.compile("(?m)^maxmemory (\\d+)mb$").matcher(redisConf);
        assertThat(maxmemory.find()).isTrue();
        assertThat(Long.parseLong(maxmemory.group(1)))
                .isLessThan(redis.getResources().getLimits().get("memory").getNumericalAmount().longValue() >> 20);

        var baseRedis = container(basePod, "redis");
        assertThat(pod.getSecurityContext()).isEqualTo(basePod.getSecurityContext());
        assertThat(redis.getSecurityContext()).isEqualTo(baseRedis.getSecurityContext());
        assertThat(redis.getResources()).isEqualTo(baseRedis.getResources());
        assertThat(redis.getImage()).isEqualTo(baseRedis.getImage());
        assertThat(redis.getLivenessProbe()).isNotNull();
        assertThat(redis.getReadinessProbe()).isNotNull();

        for (var entry : config.entrySet()) {
            if (entry.getKey().endsWith(".sh")) {
                Path file = Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
                var result = ScriptsTest.run(dir, "sh", "-n", file.toString());
                assertThat(result.exitCode()).as(entry.getKey() + ": " + result.output()).isZero();
            }
        }
    }

    /**
     * Puts stand-ins for redis-cli, getent and sleep in {@code dir/bin}. redis-cli records its arguments in
     * {@code calls}, answers PING, and answers CLUSTER INFO from {@code info-<host>} or else {@code info}; getent
     * resolves the names of {@code hosts} (lines of {@code ip name}) and no other; sleep records its call instead of
     * sleeping.
     */
    private static void stubTools(Path dir, String hosts) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("hosts"), hosts);
        Files.writeString(bin.resolve("redis-cli"), """
                #!/bin/sh
                echo "$*" >> "$STUB/calls"
                host=""
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -h) host="$2"; shift 2 ;;
                    -p) shift 2 ;;
                    PING) echo PONG; exit 0 ;;
                    CLUSTER) cat "$STUB/info-$host" 2>/dev/null || cat "$STUB/info"; exit 0 ;;
                    *) exit 0 ;;
                  esac
                done
                """);
        Files.writeString(bin.resolve("getent"), """
                #!/bin/sh
                while read -r ip name; do
                  if [ "$name" = "$2" ]; then
                    printf '%-15s %s\\n' "$ip" "$name"
                    exit 0
                  fi
                done < "$STUB/hosts"
                exit 2
                """);
        Files.writeString(bin.resolve("sleep"), """
                #!/bin/sh
                echo "sleep $*" >> "$STUB/calls"
                """);
        for (Path tool : List.of(bin.resolve("redis-cli"), bin.resolve("getent"), bin.resolve("sleep"))) {
            assertThat(tool.toFile().setExecutable(true)).isTrue();
        }
    }

    /**
     * Runs {@code script} with sh, its {@code arguments} and the environment {@code variables} ({@code NAME=value}),
     * the stand-ins first on the PATH; forgets the calls of earlier runs.
     */
    private static ScriptsTest.Result runScript(Path dir, String script, List<String> variables, String... arguments)
            throws Exception {
        Files.deleteIfExists(dir.resolve("calls"));
        Path file = Files.writeString(dir.resolve("script.sh"), script);
        var command = new ArrayList<>(List.of("env", "PATH=" + dir.resolve("bin") + ":" + System.getenv("PATH"),
                "STUB=" + dir));
        command.addAll(variables);
        command.addAll(List.of("sh", file.toString()));
        command.addAll(List.of(arguments));
        return ScriptsTest.run(dir, command.toArray(String[]::new));
    }

    /** The redis-cli calls of the last run that used cluster-manager mode ({@code --cluster ...}). */
    private static List<String> clusterCalls(Path dir) throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls)
                ? Files.readAllLines(calls).stream().filter(line -> line.startsWith("--cluster")).toList()
                : List.of();
    }
}
