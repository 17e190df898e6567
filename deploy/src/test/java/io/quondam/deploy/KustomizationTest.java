package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.kafka.JbodStorage;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.EphemeralStorage;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KustomizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/minikube", "strimzi/base", "strimzi/minikube"})
    void shouldBuildWithEveryResourcePatchAndFileInPlace(String dir) {
        var build = KustomizeBuild.of(Repository.path(dir));
        assertThat(build.problems).isEmpty();
        assertThat(build.all()).isNotEmpty();
        assertThat(KustomizeBuild.read(Repository.path(dir)).namespace()).isEqualTo("quondam");
    }

    @Test
    void shouldReportAResourceThatDoesNotExist(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - missing.yaml
                """);
        assertThat(KustomizeBuild.of(dir).problems).singleElement().asString().contains("missing.yaml does not exist");
    }

    @Test
    void shouldRunThreePersistentDualRoleNodesInTheBaseAndOneEphemeralOnMinikube() {
        var base = KustomizeBuild.of(Repository.path("strimzi/base")).get("KafkaNodePool", "dual-role")
                .as(KafkaNodePool.class).getSpec();
        var minikube = KustomizeBuild.of(Repository.path("strimzi/minikube")).get("KafkaNodePool", "dual-role")
                .as(KafkaNodePool.class).getSpec();

        assertThat(base.getReplicas()).isEqualTo(3);
        assertThat(base.getRoles()).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
        assertThat(((JbodStorage) base.getStorage()).getVolumes()).allMatch(PersistentClaimStorage.class::isInstance);
        assertThat(minikube.getReplicas()).isEqualTo(1);
        assertThat(minikube.getRoles()).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
        assertThat(((JbodStorage) minikube.getStorage()).getVolumes()).allMatch(EphemeralStorage.class::isInstance);
    }

    @ParameterizedTest
    @ValueSource(strings = {"strimzi/base", "strimzi/minikube"})
    void shouldNeverReplicateTopicsMoreThanTheBrokersOrRequireMoreInSyncReplicasThanThat(String dir) {
        var build = KustomizeBuild.of(Repository.path(dir));
        int brokers = build.get("KafkaNodePool", "dual-role").as(KafkaNodePool.class).getSpec().getReplicas();
        var kafkaConfig = build.get("Kafka", "quondam").as(io.strimzi.api.kafka.model.kafka.Kafka.class)
                .getSpec().getKafka().getConfig();

        for (var manifest : build.ofKind("KafkaTopic")) {
            var spec = manifest.as(KafkaTopic.class).getSpec();
            assertThat(spec.getReplicas()).as(manifest.id()).isLessThanOrEqualTo(brokers);
            assertThat(((Number) spec.getConfig().get("min.insync.replicas")).intValue()).as(manifest.id())
                    .isLessThanOrEqualTo(spec.getReplicas());
        }
        assertThat(((Number) kafkaConfig.get("transaction.state.log.replication.factor")).intValue())
                .isEqualTo(brokers);
        assertThat(((Number) kafkaConfig.get("offsets.topic.replication.factor")).intValue()).isEqualTo(brokers);
        assertThat(((Number) kafkaConfig.get("transaction.state.log.min.isr")).intValue()).isLessThanOrEqualTo(brokers);
    }
}
