package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strimzi.api.kafka.model.kafka.JbodStorage;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.EphemeralStorage;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KustomizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/minikube", "k8s/overlays/redis-cluster", "strimzi/base",
        "strimzi/minikube"})
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
    void shouldDropTheResourceThatAnInlinePatchDeletes(@TempDir Path dir) throws Exception {
        writeConfigMapsAAndB(dir, """
                  - patch: |-
                      $patch: delete
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: b
                """);
        var build = KustomizeBuild.of(dir);

        assertThat(build.problems).isEmpty();
        assertThat(build.all()).extracting(Manifest::id).containsExactly("ConfigMap/a");
    }

    @Test
    void shouldReportADeletionOfAResourceThatDoesNotExistOrOfMoreThanAName(@TempDir Path dir) throws Exception {
        writeConfigMapsAAndB(dir, """
                  - patch: |-
                      $patch: delete
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: c
                  - patch: |-
                      $patch: delete
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: b
                      data:
                        kept: "no"
                """);
        assertThat(KustomizeBuild.of(dir).problems).satisfiesExactly(
                problem -> assertThat(problem).contains("patches ConfigMap/c, which no resource defines"),
                problem -> assertThat(problem).contains("the patch deleting ConfigMap/b holds more than its name"));
    }

    @Test
    void shouldRefuseADeletionThatSharesItsPatchWithAnotherDocument(@TempDir Path dir) throws Exception {
        writeConfigMapsAAndB(dir, """
                  - path: patch.yaml
                """);
        Files.writeString(dir.resolve("patch.yaml"), """
                $patch: delete
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                ---
                $patch: delete
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: b
                """);
        assertThat(KustomizeBuild.of(dir).problems).singleElement().asString()
                .contains("a patch that deletes a resource must hold nothing else");
    }

    @Test
    void shouldRefuseAPatchDirectiveOtherThanDelete(@TempDir Path dir) throws Exception {
        writeConfigMapsAAndB(dir, """
                  - patch: |-
                      $patch: replace
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: b
                """);
        assertThatThrownBy(() -> KustomizeBuild.of(dir)).hasMessageContaining("$patch: replace is not checked here");
    }

    /** A kustomization of two ConfigMaps, a and b, with {@code patches} (a YAML list, indented by two). */
    private static void writeConfigMapsAAndB(Path dir, String patches) throws Exception {
        Files.writeString(dir.resolve("config-maps.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: b
                """);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - config-maps.yaml
                patches:
                """ + patches);
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
