package io.quondam.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScriptsTest {

    private static final List<String> KUBERNETES_SCRIPTS = List.of(
            "minikube-up.sh", "build-images.sh", "deploy.sh", "chaos-k8s.sh", "load-k8s.sh", "teardown.sh");

    /** The scripts a user runs; scripts/lib holds what they source. */
    static List<Path> scripts() {
        return Repository.files(Repository.path("scripts"), ".sh").stream()
                .filter(script -> !script.getParent().endsWith("lib")).toList();
    }

    static List<Path> allShellFiles() {
        return Repository.files(Repository.path("scripts"), ".sh");
    }

    static List<Path> kubernetesScripts() {
        return KUBERNETES_SCRIPTS.stream().map(name -> Repository.path("scripts/" + name)).toList();
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Path directory, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void shouldHaveTheKubernetesScripts() {
        assertThat(kubernetesScripts()).allMatch(Files::isRegularFile).allMatch(Files::isExecutable);
    }

    @ParameterizedTest
    @MethodSource("allShellFiles")
    void shouldPassBashSyntaxCheck(Path script) throws Exception {
        var result = run(Repository.root(), "bash", "-n", script.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /** --help prints the script's whole header comment and nothing after it, however long the header grows. */
    @ParameterizedTest
    @MethodSource("scripts")
    void shouldPrintTheWholeHeaderCommentAsHelp(Path script) throws Exception {
        var lines = Files.readAllLines(script);
        var header = new java.util.ArrayList<String>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.startsWith("#")) {
                break;
            }
            header.add(line.replaceFirst("^# ?", ""));
        }

        var result = run(Repository.root(), "bash", script.toString(), "--help");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(header).as(script + " has a usage line in its header").anyMatch(line -> line.startsWith("usage: "));
        assertThat(result.output().lines().toList()).containsExactlyElementsOf(header);
    }

    /** One way to fail on errors, print help and name missing tools: every script uses scripts/lib/common.sh. */
    @ParameterizedTest
    @MethodSource("scripts")
    void shouldUseTheSharedScriptLibrary(Path script) throws Exception {
        String text = Repository.read(script);
        assertThat(text).contains("set -euo pipefail")
                .contains(". \"$(dirname \"${BASH_SOURCE[0]}\")/lib/common.sh\"")
                .doesNotContain("usage()", "<<'USAGE'", "sed -n '2", "command -v", "dependency:build-classpath");
    }

    @Test
    void shouldReportASyntaxError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.sh"), "if true; then\n  echo never closed\n");
        assertThat(run(dir, "bash", "-n", broken.toString()).exitCode()).isNotZero();
    }

    /**
     * The Redis user the services connect as on Kubernetes has exactly the rules the local stack gives it, under which
     * the key store's and services' integration tests run; the services connect as that user.
     */
    @Test
    void shouldGiveTheServicesRedisUserTheRulesThatEveryTestRunsUnder() throws Exception {
        var configMap = ManifestParser.parse(Repository.path("k8s/base/redis/configmap.yaml")).get(0)
                .as(ConfigMap.class);
        String tested = Files.readString(
                Repository.path("test-support/src/main/resources/io/quondam/stack/service-user.acl"));
        assertThat(configMap.getData().get("service-user.acl")).isNotNull().isEqualToIgnoringWhitespace(tested);
        assertThat(configMap.getData().get("init-redis.sh"))
                .contains("user quondam on >$SERVICE_PASSWORD $(cat /scripts/service-user.acl)");
        for (String service : List.of("dedup-processor", "key-api")) {
            var settings = ManifestParser.parse(Repository.path("k8s/base/" + service + "/configmap.yaml")).get(0)
                    .as(ConfigMap.class).getData();
            assertThat(settings).as(service).containsEntry("QUONDAM_REDIS_USER", "quondam");
        }
    }

    @Test
    void shouldShipRedisInitScriptsThatParse(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        var configMap = ManifestParser.parse(Repository.path("k8s/base/redis/configmap.yaml")).get(0)
                .as(ConfigMap.class);
        var scripts = configMap.getData().entrySet().stream().filter(entry -> entry.getKey().endsWith(".sh")).toList();
        assertThat(scripts).extracting(java.util.Map.Entry::getKey)
                .contains("init-redis.sh", "init-sentinel.sh", "sentinel-master.sh");
        for (var entry : scripts) {
            Path file = Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
            var result = run(dir, "sh", "-n", file.toString());
            assertThat(result.exitCode()).as(entry.getKey() + ": " + result.output()).isZero();
        }
    }
}
