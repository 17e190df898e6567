package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ManifestModelTest {

    private static List<Path> manifestFiles() {
        return Stream.concat(Repository.files(Repository.path("k8s"), ".yaml", ".yml").stream(),
                        Repository.files(Repository.path("strimzi"), ".yaml", ".yml").stream())
                .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    @Test
    void shouldParseEveryManifestIntoItsTypedModelWithoutUnknownFields() {
        var problems = new ArrayList<String>();
        var kinds = new ArrayList<String>();
        for (Path file : manifestFiles()) {
            try {
                ManifestParser.parse(file).forEach(manifest -> kinds.add(manifest.kind()));
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("Kafka", "KafkaNodePool", "KafkaTopic", "StatefulSet", "Deployment", "Service",
                "PodDisruptionBudget", "ConfigMap", "Secret", "Namespace", "Job");
    }

    @Test
    void shouldRejectAMisspeltField() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: key-api
                spec:
                  template:
                    spec:
                      containers:
                        - name: key-api
                          image: quondam/key-api:local
                          readinesProbe:
                            httpGet:
                              path: /health/ready
                              port: http
                """;
        assertThatThrownBy(() -> ManifestParser.parse(Path.of("inline.yaml"), yaml))
                .hasMessageContaining("/spec/template/spec/containers/0/readinesProbe: unknown field");
    }

    @Test
    void shouldRejectAFieldThatTheStrimziV1ApiNoLongerHas() {
        String yaml = """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata:
                  name: quondam
                spec:
                  kafka:
                    replicas: 3
                    listeners:
                      - name: plain
                        port: 9092
                        type: internal
                        tls: false
                """;
        assertThatThrownBy(() -> ManifestParser.parse(Path.of("inline.yaml"), yaml))
                .hasMessageContaining("/spec/kafka/replicas: deprecated");
    }

    @Test
    void shouldRejectTheV1beta2ApiThatStrimzi1RemovedAndUnknownKinds() {
        String yaml = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: payments
                ---
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: redis
                """;
        assertThatThrownBy(() -> ManifestParser.parse(Path.of("inline.yaml"), yaml))
                .hasMessageContaining("unknown apiVersion/kind kafka.strimzi.io/v1beta2/KafkaTopic")
                .hasMessageContaining("unknown apiVersion/kind v1/ReplicationController");
    }

    @Test
    void shouldReferenceEveryManifestFromAKustomization() {
        var referenced = new ArrayList<Path>();
        for (String dir : List.of("k8s/overlays/minikube", "k8s/overlays/redis-cluster", "strimzi/minikube")) {
            var build = KustomizeBuild.of(Repository.path(dir));
            assertThat(build.problems).as(dir).isEmpty();
            referenced.addAll(build.referencedFiles);
        }
        var files = Stream.concat(Repository.files(Repository.path("k8s"), ".yaml", ".yml", ".json").stream(),
                Repository.files(Repository.path("strimzi"), ".yaml", ".yml", ".json").stream()).toList();
        assertThat(referenced).containsAll(files);
    }
}
