package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The manifests agree with each other and with the services' Config classes and routes. */
class ConsistencyTest {
    private static final List<String> SERVICES = List.of("dedup-processor", "key-api", "payments-consumer");

    private static KustomizeBuild k8s(String overlay) {
        return KustomizeBuild.of(Repository.path(overlay));
    }

    private static KustomizeBuild strimzi() {
        return KustomizeBuild.of(Repository.path("strimzi/base"));
    }

    static Container container(KustomizeBuild build, String service) {
        var containers = build.get("Deployment", service).as(Deployment.class).getSpec().getTemplate().getSpec()
                .getContainers();
        assertThat(containers).as(service).hasSize(1);
        return containers.get(0);
    }

    /** The environment a container gets: its ConfigMaps (envFrom) overlaid by its own env entries. */
    static Map<String, EnvVar> environment(KustomizeBuild build, Container container) {
        var env = new LinkedHashMap<String, EnvVar>();
        for (var source : container.getEnvFrom()) {
            assertThat(source.getConfigMapRef()).as(container.getName() + " envFrom").isNotNull();
            var configMap = build.get("ConfigMap", source.getConfigMapRef().getName()).as(ConfigMap.class);
            configMap.getData().forEach((name, value) -> env.put(name, new EnvVar(name, value, null)));
        }
        container.getEnv().forEach(var -> env.put(var.getName(), var));
        return env;
    }

    static String value(Map<String, EnvVar> env, String name) {
        assertThat(env).as("environment").containsKey(name);
        assertThat(env.get(name).getValue()).as(name).isNotNull();
        return env.get(name).getValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/minikube", "k8s/overlays/redis-cluster"})
    void shouldSetOnlySettingsThatEachServiceReadsAndEveryOneItRequires(String overlay) {
        var build = k8s(overlay);
        for (String service : SERVICES) {
            var sources = ServiceSources.of(service);
            var env = environment(build, container(build, service));
            assertThat(env.keySet()).as(service + " settings not read by its Config").allMatch(sources::reads);
            assertThat(env.keySet()).as(service + " required settings").containsAll(sources.required());
        }
        assertThat(environment(build, container(build, "key-api"))).containsKey("QUONDAM_TOKENS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/minikube", "k8s/overlays/redis-cluster"})
    void shouldTakeEverySecretAndConfigMapReferenceFromAResourceThatHasTheKey(String overlay) {
        var build = k8s(overlay);
        var workloads = podTemplates(build).values();
        int references = 0;
        for (PodTemplateSpec template : workloads) {
            var containers = Stream.concat(template.getSpec().getContainers().stream(),
                    template.getSpec().getInitContainers().stream()).toList();
            for (Container container : containers) {
                for (EnvVar var : container.getEnv()) {
                    if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                        var ref = var.getValueFrom().getSecretKeyRef();
                        var secret = build.get("Secret", ref.getName()).as(Secret.class);
                        var keys = new TreeSet<String>();
                        if (secret.getStringData() != null) {
                            keys.addAll(secret.getStringData().keySet());
                        }
                        if (secret.getData() != null) {
                            keys.addAll(secret.getData().keySet());
                        }
                        assertThat(keys).as(container.getName() + " " + var.getName()).contains(ref.getKey());
                        references++;
                    }
                }
            }
            for (var volume : template.getSpec().getVolumes()) {
                if (volume.getConfigMap() != null) {
                    build.get("ConfigMap", volume.getConfigMap().getName());
                }
            }
        }
        assertThat(references).isGreaterThanOrEqualTo(6);
    }

    @Test
    void shouldUseTheTopicsThatStrimziCreatesWithSixPartitions() {
        var build = k8s("k8s/base");
        var topics = new HashMap<String, Integer>();
        for (var manifest : strimzi().ofKind("KafkaTopic")) {
            var topic = manifest.as(KafkaTopic.class);
            String name = topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName()
                    : topic.getMetadata().getName();
            topics.put(name, topic.getSpec().getPartitions());
        }
        var dedup = environment(build, container(build, "dedup-processor"));
        var ledger = environment(build, container(build, "payments-consumer"));
        var used = new TreeSet<>(List.of(value(dedup, "QUONDAM_INPUT_TOPIC"), value(dedup, "QUONDAM_OUTPUT_TOPIC"),
                value(dedup, "QUONDAM_DLQ_TOPIC"), value(dedup, "QUONDAM_DUPLICATES_TOPIC"),
                value(ledger, "QUONDAM_LEDGER_TOPIC")));

        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(used);
        assertThat(topics.values()).containsOnly(6);
        assertThat(value(ledger, "QUONDAM_LEDGER_TOPIC")).isEqualTo(value(dedup, "QUONDAM_OUTPUT_TOPIC"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/minikube", "k8s/overlays/redis-cluster"})
    void shouldRunNoMoreProcessorThreadsThanInputPartitions(String overlay) {
        var build = k8s(overlay);
        var env = environment(build, container(build, "dedup-processor"));
        int partitions = strimzi().ofKind("KafkaTopic").stream().map(m -> m.as(KafkaTopic.class).getSpec())
                .filter(spec -> spec.getTopicName().equals(value(env, "QUONDAM_INPUT_TOPIC")))
                .findFirst().orElseThrow().getPartitions();
        int replicas = build.get("Deployment", "dedup-processor").as(Deployment.class).getSpec().getReplicas();

        assertThat(replicas * Integer.parseInt(value(env, "QUONDAM_STREAM_THREADS"))).isLessThanOrEqualTo(partitions);
    }

    @Test
    void shouldMatchTheReplicationFactorOfInternalTopicsToTheBrokers() {
        for (var pair : List.of(List.of("k8s/base", "strimzi/base"),
                List.of("k8s/overlays/minikube", "strimzi/minikube"),
                List.of("k8s/overlays/redis-cluster", "strimzi/minikube"))) {
            var build = k8s(pair.get(0));
            int brokers = KustomizeBuild.of(Repository.path(pair.get(1))).get("KafkaNodePool", "dual-role")
                    .as(io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class).getSpec().getReplicas();
            var env = environment(build, container(build, "dedup-processor"));
            assertThat(Integer.parseInt(value(env, "QUONDAM_REPLICATION_FACTOR"))).as(pair.toString())
                    .isEqualTo(brokers);
        }
    }

    @Test
    void shouldConnectToTheStrimziBootstrapServiceOnThePlainListener() {
        var kafka = strimzi().get("Kafka", "quondam").as(Kafka.class);
        GenericKafkaListener plain = kafka.getSpec().getKafka().getListeners().stream()
                .filter(listener -> !listener.isTls()).findFirst().orElseThrow();
        String bootstrap = kafka.getMetadata().getName() + "-kafka-bootstrap:" + plain.getPort();
        var build = k8s("k8s/base");

        for (String service : List.of("dedup-processor", "payments-consumer")) {
            assertThat(value(environment(build, container(build, service)), "QUONDAM_BOOTSTRAP_SERVERS"))
                    .as(service).isEqualTo(bootstrap);
        }
    }

    @Test
    void shouldFindEverySentinelAndTheMasterNameThatTheSentinelsMonitor() {
        var build = k8s("k8s/base");
        var sentinels = build.get("StatefulSet", "sentinel").as(StatefulSet.class);
        var service = build.get("Service", sentinels.getSpec().getServiceName()).as(Service.class);
        int port = service.getSpec().getPorts().get(0).getPort();
        var expected = new TreeSet<String>();
        for (int i = 0; i < sentinels.getSpec().getReplicas(); i++) {
            expected.add("sentinel-" + i + "." + service.getMetadata().getName() + ":" + port);
        }
        String masterName = sentinels.getSpec().getTemplate().getSpec().getInitContainers().get(0).getEnv().stream()
                .filter(var -> var.getName().equals("MASTER_NAME")).findFirst().orElseThrow().getValue();

        for (String client : List.of("dedup-processor", "key-api")) {
            var env = environment(build, container(build, client));
            assertThat(new TreeSet<>(List.of(value(env, "QUONDAM_REDIS_SENTINELS").split(",")))).as(client)
                    .isEqualTo(expected);
            assertThat(value(env, "QUONDAM_REDIS_MASTER_NAME")).as(client).isEqualTo(masterName);
        }
        var redisMasterName = build.get("StatefulSet", "redis").as(StatefulSet.class).getSpec().getTemplate().getSpec()
                .getInitContainers().get(0).getEnv().stream().filter(var -> var.getName().equals("MASTER_NAME"))
                .findFirst().orElseThrow().getValue();
        assertThat(redisMasterName).isEqualTo(masterName);
    }

    @Test
    void shouldPointTheLedgerAtThePostgresServiceDatabaseAndUser() {
        var build = k8s("k8s/base");
        var postgres = build.get("StatefulSet", "postgres").as(StatefulSet.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        var postgresEnv = environment(build, postgres);
        int port = build.get("Service", "postgres").as(Service.class).getSpec().getPorts().get(0).getPort();
        var ledger = environment(build, container(build, "payments-consumer"));

        assertThat(value(ledger, "QUONDAM_DB_URL"))
                .isEqualTo("jdbc:postgresql://postgres:" + port + "/" + value(postgresEnv, "POSTGRES_DB"));
        assertThat(value(ledger, "QUONDAM_DB_USER")).isEqualTo(value(postgresEnv, "POSTGRES_USER"));
        assertThat(ledger.get("QUONDAM_DB_PASSWORD").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo(postgresEnv.get("POSTGRES_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
    }

    @Test
    void shouldProbeAndScrapeThePortAndPathsThatEachServiceServes() {
        var build = k8s("k8s/base");
        for (String service : SERVICES) {
            var sources = ServiceSources.of(service);
            var deployment = build.get("Deployment", service).as(Deployment.class);
            var container = container(build, service);
            int port = Integer.parseInt(value(environment(build, container), "QUONDAM_HTTP_PORT"));
            var http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow();
            var annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();

            assertThat(http.getContainerPort()).as(service).isEqualTo(port);
            assertThat(annotations).as(service).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(port));
            assertThat(sources.serves(annotations.get("prometheus.io/path"))).as(service + " metrics path").isTrue();
            assertThat(annotations.get("prometheus.io/path")).isEqualTo("/metrics");

            var probes = Map.of("liveness", container.getLivenessProbe(), "readiness", container.getReadinessProbe(),
                    "startup", container.getStartupProbe());
            probes.forEach((kind, probe) -> {
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get).as(service + " " + kind).isNotNull();
                assertThat(get.getPort().getStrVal()).as(service + " " + kind + " port").isEqualTo("http");
                assertThat(sources.serves(get.getPath())).as(service + " serves " + get.getPath()).isTrue();
            });
            assertThat(probePath(container.getLivenessProbe())).isEqualTo("/health/live");
            assertThat(probePath(container.getReadinessProbe())).isEqualTo("/health/ready");
            assertThat(container.getResources().getRequests()).as(service).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as(service).containsKey("memory");
        }
    }

    private static String probePath(Probe probe) {
        return probe.getHttpGet().getPath();
    }

    /** The pod template of every Deployment, StatefulSet and Job, by {@code Kind/name}. */
    static Map<String, PodTemplateSpec> podTemplates(KustomizeBuild build) {
        var templates = new LinkedHashMap<String, PodTemplateSpec>();
        build.ofKind("Deployment").forEach(m -> templates.put(m.id(), m.as(Deployment.class).getSpec().getTemplate()));
        build.ofKind("StatefulSet")
                .forEach(m -> templates.put(m.id(), m.as(StatefulSet.class).getSpec().getTemplate()));
        build.ofKind("Job").forEach(m -> templates.put(m.id(), m.as(Job.class).getSpec().getTemplate()));
        return templates;
    }

    /** Jobs' pods count too: a Service that also selected them would send clients to a finished Job. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/minikube", "k8s/overlays/redis-cluster"})
    void shouldSelectPodsThatExistWithServicesAndDisruptionBudgets(String overlay) {
        var build = k8s(overlay);
        Map<String, Map<String, String>> podLabels = new HashMap<>();
        Map<String, Set<String>> podPorts = new HashMap<>();
        var templates = podTemplates(build);
        for (var manifest : Stream.concat(build.ofKind("Deployment").stream(), build.ofKind("StatefulSet").stream())
                .toList()) {
            var selector = manifest.model() instanceof Deployment deployment
                    ? deployment.getSpec().getSelector() : ((StatefulSet) manifest.model()).getSpec().getSelector();
            assertThat(templates.get(manifest.id()).getMetadata().getLabels()).as(manifest.id())
                    .containsAllEntriesOf(selector.getMatchLabels());
        }
        templates.forEach((id, template) -> {
            podLabels.put(id, template.getMetadata().getLabels());
            var ports = new TreeSet<String>();
            template.getSpec().getContainers().forEach(c -> c.getPorts().forEach(p -> ports.add(p.getName())));
            podPorts.put(id, ports);
        });
        for (var manifest : build.ofKind("Service")) {
            var spec = manifest.as(Service.class).getSpec();
            var matches = podLabels.entrySet().stream()
                    .filter(pods -> pods.getValue().entrySet().containsAll(spec.getSelector().entrySet()))
                    .map(Map.Entry::getKey).toList();
            assertThat(matches).as(manifest.id()).hasSize(1);
            spec.getPorts().forEach(port -> assertThat(podPorts.get(matches.get(0))).as(manifest.id())
                    .contains(port.getTargetPort().getStrVal()));
        }
        var budgeted = new TreeSet<String>();
        for (var manifest : build.ofKind("PodDisruptionBudget")) {
            var selector = manifest.as(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels();
            podLabels.forEach((id, labels) -> {
                if (labels.entrySet().containsAll(selector.entrySet())) {
                    budgeted.add(id);
                }
            });
        }
        // The key store's StatefulSets too: two Redis nodes, or two Sentinels, away at once stop the claims.
        var keyStore = build.ofKind("StatefulSet").stream()
                .filter(m -> "key-store".equals(m.model().getMetadata().getLabels().get("app.kubernetes.io/component")))
                .map(Manifest::id).toList();
        assertThat(keyStore).isNotEmpty();
        assertThat(budgeted).contains("Deployment/dedup-processor", "Deployment/key-api",
                "Deployment/payments-consumer").containsAll(keyStore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/minikube", "k8s/overlays/redis-cluster", "strimzi/minikube"})
    void shouldLabelEveryResourceAsPartOfQuondam(String overlay) {
        for (var manifest : KustomizeBuild.of(Repository.path(overlay)).all()) {
            assertThat(manifest.model().getMetadata().getLabels()).as(manifest.id())
                    .containsEntry("app.kubernetes.io/part-of", "quondam")
                    .containsKey("app.kubernetes.io/name");
        }
    }

    @Test
    void shouldRunEveryServiceAsTheNonRootUserOfItsImageWithAReadOnlyRoot() {
        var build = k8s("k8s/base");
        for (String service : SERVICES) {
            var pod = build.get("Deployment", service).as(Deployment.class).getSpec().getTemplate().getSpec();
            var container = container(build, service);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(service).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(service).isEqualTo(Dockerfiles.user(service));
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(service).isTrue();
            assertThat(container.getVolumeMounts()).as(service).anyMatch(mount -> mount.getMountPath().equals("/tmp"));
            assertThat(container.getImage()).isEqualTo("quondam/" + service + ":local");
        }
        var dedupEnv = environment(build, container(build, "dedup-processor"));
        assertThat(container(build, "dedup-processor").getVolumeMounts())
                .anyMatch(mount -> mount.getMountPath().equals(value(dedupEnv, "QUONDAM_STATE_DIR")));
    }

    /** Sentinel may promote a node only while its guard says so: every Redis pod runs one, and starts unpromotable. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/minikube"})
    void shouldRunTheGuardBesideEveryRedisNodeAndStartItUnpromotable(String overlay) {
        var build = k8s(overlay);
        var pod = build.get("StatefulSet", "redis").as(StatefulSet.class).getSpec().getTemplate().getSpec();
        var guard = pod.getContainers().stream().filter(c -> c.getName().equals("redis-guard")).findFirst();
        assertThat(guard).as("redis-guard sidecar").isPresent();
        assertThat(guard.get().getImage()).isEqualTo("quondam/redis-guard:local");
        var sources = ServiceSources.of("redis-guard");
        var names = guard.get().getEnv().stream().map(EnvVar::getName).toList();
        assertThat(names).contains("QUONDAM_GUARD_PASSWORD", "QUONDAM_GUARD_SENTINELS").allMatch(sources::reads);
        assertThat(value(environment(build, guard.get()), "QUONDAM_GUARD_SENTINELS"))
                .isEqualTo(value(environment(build, container(build, "key-api")), "QUONDAM_REDIS_SENTINELS"));
        String redisConf = build.get("ConfigMap", "redis-scripts").as(ConfigMap.class).getData().get("redis.conf");
        assertThat(redisConf).containsPattern("(?m)^replica-priority 0$");
        // noeviction applies only under a maxmemory; without one Redis grows until the kernel kills it.
        var maxmemory = java.util.regex.Pattern.compile("(?m)^maxmemory (\\d+)mb$").matcher(redisConf);
        assertThat(maxmemory.find()).as("maxmemory in redis.conf").isTrue();
        var redisContainer = pod.getContainers().stream().filter(c -> c.getName().equals("redis")).findFirst()
                .orElseThrow();
        long limitMb = redisContainer.getResources().getLimits().get("memory").getNumericalAmount()
                .longValue() / (1024 * 1024);
        assertThat(Long.parseLong(maxmemory.group(1))).isLessThan(limitMb);
        assertThat(Repository.read(Repository.path("scripts/build-images.sh"))).contains("redis-guard");
    }

    @Test
    void shouldChartOnlyMetricsThatTheServicesRegister() throws Exception {
        var dashboard = ManifestParser.YAML.readTree(
                Repository.path("k8s/base/monitoring/quondam-dashboard.json").toFile());
        var meters = new TreeSet<String>();
        var meter = Pattern.compile("(?:Counter|Timer|Gauge|DistributionSummary)\\.builder\\(\"([a-z._]+)\"");
        for (String module : List.of("key-store", "service-common", "dedup-processor", "key-api",
                "payments-consumer")) {
            for (var file : Repository.files(Repository.path(module + "/src/main/java"), ".java")) {
                var matcher = meter.matcher(Repository.read(file));
                while (matcher.find()) {
                    meters.add(matcher.group(1).replace('.', '_'));
                }
            }
        }
        var charted = new TreeSet<String>();
        var series = Pattern.compile("\\b(quondam_[a-z_]+?)(?:_total|_seconds)?\\b(?![a-z_(])");
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> {
            var matcher = series.matcher(target.get("expr").asText());
            while (matcher.find()) {
                charted.add(matcher.group(1));
            }
        }));

        assertThat(charted).contains("quondam_records", "quondam_claim_latency", "quondam_redis_failovers");
        assertThat(meters).containsAll(charted);
    }
}
