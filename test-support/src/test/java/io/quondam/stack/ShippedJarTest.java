package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedJarTest {

    @Test
    void shouldTakeTheJvmOptionsOfEachServicesDockerfile() {
        for (String service : new String[] {"dedup-processor", "key-api", "payments-consumer"}) {
            var options = ShippedJar.entrypointOptions(ShippedJar.moduleDir(service).resolve("Dockerfile"));

            assertThat(options).as(service).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                    .doesNotContain("java", "-jar");
        }
    }

    @Test
    void shouldRunTheJarWithTheEntrypointOptionsFirstAndAddedOptionsLast() {
        var jvm = new ShippedJar("svc", Path.of("/tmp/svc-1-all.jar"), java.util.List.of("-XX:MaxRAMPercentage=75"))
                .childJvm().withJvmOptions("-Xmx64m");

        assertThat(jvm.command()).endsWith("-XX:MaxRAMPercentage=75", "-Xmx64m", "-jar", "/tmp/svc-1-all.jar");
    }

    @Test
    void shouldRefuseAnEntrypointThatIsNotJavaDashJar(@TempDir Path dir) throws Exception {
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, "FROM x\nENTRYPOINT [\"sh\", \"-c\", \"java -jar /app/a.jar\"]\n");

        assertThatThrownBy(() -> ShippedJar.entrypointOptions(dockerfile)).isInstanceOf(StackException.class)
                .hasMessageContaining("expected ENTRYPOINT [\"java\", options..., \"-jar\", jar]");
    }
}
