package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.kafka.Kafka;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ImageAndVersionTest {
    private static final List<String> SERVICES = List.of("dedup-processor", "key-api", "payments-consumer");

    @Test
    void shouldBuildEachImageFromTheShadedJarOnAJreAsANonRootUserWithAMemoryRelativeHeap() {
        for (String service : SERVICES) {
            String pom = Repository.read(Repository.path(service + "/pom.xml"));
            assertThat(pom).as(service).contains("maven-shade-plugin").contains("<shadedClassifierName>all<");
            assertThat(Dockerfiles.argument(service, "FROM")).as(service).isEqualTo("eclipse-temurin:17-jre");
            assertThat(Dockerfiles.argument(service, "COPY")).as(service)
                    .startsWith("target/" + service + "-*-all.jar ");
            assertThat(Dockerfiles.user(service)).as(service).isPositive();
            assertThat(Dockerfiles.argument(service, "ENTRYPOINT")).as(service)
                    .contains("\"-XX:MaxRAMPercentage=").contains("\"-jar\"");
            String port = ServiceSources.of(service).sourceText()
                    .replaceAll("(?s).*\"QUONDAM_HTTP_PORT\",\\s*(\\d+).*", "$1");
            assertThat(Dockerfiles.argument(service, "EXPOSE")).as(service + " default port").isEqualTo(port);
        }
    }

    @Test
    void shouldBuildAndDeployTheSameImageNames() {
        String buildScript = Repository.read(Repository.path("scripts/build-images.sh"));
        var build = KustomizeBuild.of(Repository.path("k8s/overlays/minikube"));
        for (String service : SERVICES) {
            String image = build.get("Deployment", service).as(io.fabric8.kubernetes.api.model.apps.Deployment.class)
                    .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertThat(image).isEqualTo("quondam/" + service + ":local");
            assertThat(buildScript).as("build-images.sh builds " + service).contains(service);
        }
        assertThat(buildScript).contains("quondam/${service}:${tag}").contains("tag=\"${QUONDAM_IMAGE_TAG:-local}\"");
    }

    @Test
    void shouldPinTheOperatorToTheStrimziApiReleaseTheTestsParseWith() throws IOException {
        var pinned = new Properties();
        pinned.load(new StringReader(Repository.read(Repository.path("strimzi/operator.env"))));
        String apiRelease = System.getProperty("strimzi.version");
        var kafka = KustomizeBuild.of(Repository.path("strimzi/base")).get("Kafka", "quondam").as(Kafka.class);

        assertThat(apiRelease).as("strimzi.version from the deploy pom").isNotBlank();
        assertThat(pinned.getProperty("STRIMZI_VERSION")).isEqualTo(apiRelease);
        assertThat(kafka.getSpec().getKafka().getVersion()).isEqualTo(pinned.getProperty("KAFKA_VERSION"));
        assertThat(Repository.read(Repository.path("scripts/minikube-up.sh"))).contains("strimzi/operator.env");
    }
}
