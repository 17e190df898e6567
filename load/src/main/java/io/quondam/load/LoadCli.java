package io.quondam.load;

import io.quondam.load.gatling.DuplicateShape;
import io.quondam.load.gatling.DuplicatedPaymentsSimulation;
import io.quondam.load.gatling.KeyApiSimulation;
import io.quondam.load.gatling.LoadSettings;
import io.quondam.stack.Await;
import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code scripts/load.sh local}: starts a fresh local stack (free ports, directory {@code .stack/load}) with
 * PostgreSQL, the payments-consumer, the dedup-processor and the key-api; writes {@code load.env} and then
 * {@code ready} into the stack directory (scripts/chaos.sh starts on that); runs DuplicatedPaymentsSimulation, then
 * KeyApiSimulation; lets the pipeline drain and runs the verifier. Prints both report paths and, as the last line,
 * one JSON object. Exits 0 only when both Gatling runs passed their assertions and every payment was booked exactly
 * once; 2 on bad arguments. Stops everything it started.
 *
 * <p>{@code scripts/load.sh k8s} (through scripts/load-k8s.sh) passes {@code --key-api-url}: then no stack is started,
 * only KeyApiSimulation runs against that address (the cluster's Kafka is not reachable through a port-forward), and
 * the ledger's {@code /payments/summary} at {@code --ledger-url} must show no leaked duplicate.
 */
public final class LoadCli {
    private static final Pattern LEAKED = Pattern.compile("\"leakedDuplicates\"\\s*:\\s*(\\d+)");
    private LoadCli() {
    }

    public static void main(String[] args) throws Exception {
        var arguments = CliArguments.parse("load", "usage: see scripts/load.sh --help", args);
        var cli = arguments.settings();
        int durationSeconds = cli.integer("--duration", 60, 5, 6 * 3600);
        int rate = cli.integer("--rate", 200, 1, 100_000);
        int apiRate = cli.integer("--api-rate", 20, 1, 10_000);
        int duplicatePercent = cli.integer("--duplicate-percent", 30, 0, 90);
        String shapes = cli.nonEmpty("--duplicate-shapes", "immediate=1,delayed=1,other-key=1");
        // A Sentinel failover stalls claims for down-after plus the election, so under chaos the slowest 1% wait
        // about that long (docs/durability.md).
        int p99 = cli.integer("--p99-ms", 3000, 1, 600_000);
        Path dir = Path.of(cli.nonEmpty("--dir", ".stack/load")).toAbsolutePath();
        Path results = Path.of(cli.nonEmpty("--results", "load/target/gatling")).toAbsolutePath();
        String externalKeyApi = cli.string("--key-api-url", "");
        String externalToken = cli.string("--api-token", "");
        String ledgerUrl = cli.string("--ledger-url", "");
        if (!externalKeyApi.isEmpty() && externalToken.isEmpty()) {
            cli.problem("--key-api-url needs --api-token");
        }
        Map<DuplicateShape, Integer> weights = Map.of();
        try {
            weights = DuplicateShape.parseWeights(shapes);
        } catch (IllegalArgumentException e) {
            cli.problem("--duplicate-shapes: " + e.getMessage());
        }
        arguments.validateOrExit();
        if (!externalKeyApi.isEmpty()) {
            var settings = new LoadSettings("127.0.0.1:19092", Demo.INPUT, rate, Duration.ofSeconds(durationSeconds),
                    duplicatePercent, weights, Duration.ofSeconds(5), 42, dir.resolve("manifest.txt"), externalKeyApi,
                    externalToken, apiRate, p99, 0.05);
            System.exit(runExternal(settings, ledgerUrl, results));
        }
        String token = UUID.randomUUID().toString();
        Files.createDirectories(dir);
        System.out.println("starting the local stack in " + dir + " (Kafka, Redis + Sentinels, PostgreSQL)...");
        boolean passed;
        String json;
        try (var stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Demo.topics()));
             var services = new LocalServices(stack, token, System.out)) {
            stack.startPostgres();
            services.start();
            writeEnv(dir.resolve("load.env"), services.environment());
            Files.writeString(dir.resolve("ready"), ProcessHandle.current().pid() + "\n");
            System.out.printf("stack up: Kafka %s, Redis master %s, key-api %s%n", stack.bootstrapServers(),
                    stack.currentMasterAddress(), services.keyApiUrl());

            var settings = new LoadSettings(stack.bootstrapServers(), Demo.INPUT, rate,
                    Duration.ofSeconds(durationSeconds), duplicatePercent, weights, Duration.ofSeconds(5), 42,
                    dir.resolve("manifest.txt"), services.keyApiUrl(), token, apiRate, p99, 0.05);
            var payments = LoadRun.gatling(DuplicatedPaymentsSimulation.class, settings, results);
            var keyApi = LoadRun.gatling(KeyApiSimulation.class, settings, results);
            System.out.println("load done; waiting for the pipeline to drain, then verifying the ledger");
            VerificationReport report;
            try {
                report = LoadRun.drainAndVerify(stack, Manifest.read(settings.manifest()));
            } catch (Await.AwaitTimeoutException e) {
                System.out.printf("NOT VERIFIED: the pipeline did not drain (%s); logs in %s%n", e.getMessage(),
                        dir.resolve("logs"));
                System.out.printf("Gatling reports: %s, %s%n", payments.reportText(), keyApi.reportText());
                System.out.println("{\"drained\":false,\"paymentsGatlingStatus\":" + payments.status()
                        + ",\"keyApiGatlingStatus\":" + keyApi.status() + "}");
                System.exit(1);
                return;
            }

            System.out.println();
            System.out.println(report.human());
            System.out.printf("Gatling DuplicatedPaymentsSimulation %s: %s%n", verdict(payments),
                    payments.reportText());
            System.out.printf("Gatling KeyApiSimulation             %s: %s%n", verdict(keyApi), keyApi.reportText());
            System.out.printf("processor restarts %d, Redis nodes restarted %d%n", services.processorRestarts(),
                    services.redisRestarts());
            passed = payments.passed() && keyApi.passed() && report.exactlyOnce();
            json = "{" + report.jsonMembers() + ",\"exactlyOnce\":" + report.exactlyOnce()
                    + ",\"paymentsGatlingStatus\":" + payments.status() + ",\"keyApiGatlingStatus\":" + keyApi.status()
                    + ",\"processorRestarts\":" + services.processorRestarts() + ",\"redisRestarts\":"
                    + services.redisRestarts() + "}";
            Files.deleteIfExists(dir.resolve("ready"));
            System.out.println("stopping the stack");
        }
        System.out.println(json);
        System.exit(passed ? 0 : 1);
    }

    private static int runExternal(LoadSettings settings, String ledgerUrl, Path results) throws Exception {
        var keyApi = LoadRun.gatling(KeyApiSimulation.class, settings, results);
        System.out.printf("Gatling KeyApiSimulation %s: %s%n", verdict(keyApi), keyApi.reportText());
        long leaked = 0;
        if (!ledgerUrl.isEmpty()) {
            var http = HttpClient.newHttpClient();
            String summary = http.send(HttpRequest.newBuilder(
                            URI.create(ledgerUrl + "/payments/summary")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            System.out.println("ledger summary: " + summary);
            var matcher = LEAKED.matcher(summary);
            leaked = matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
        }
        System.out.println("{\"keyApiGatlingStatus\":" + keyApi.status() + ",\"leakedDuplicates\":" + leaked + "}");
        return keyApi.passed() && leaked == 0 ? 0 : 1;
    }

    private static String verdict(LoadRun.GatlingResult result) {
        return switch (result.status()) {
            case LoadRun.GATLING_OK -> "passed";
            case 2 -> "FAILED its assertions";
            default -> "BROKE (exit " + result.status() + ")";
        };
    }

    private static void writeEnv(Path file, Map<String, String> environment) throws java.io.IOException {
        Files.writeString(file, environment.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(variable -> variable.getKey() + "=" + variable.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
    }
}
