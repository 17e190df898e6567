package io.quondam.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.tryMax;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.UUID;

/**
 * The key-api under load. The legacy flow is the shape of the original non-functional test: register a key
 * ({@code PUT /keys}), claim it ({@code DELETE /keys}: {@code claimed=true}) and claim it again as a duplicate
 * ({@code claimed=false}). The /v1 flow is an idempotent operation as a client runs it: claim, a competing claim by
 * another owner (409), the same owner's retried claim (200 IN_PROGRESS), the result, and a retry after it that gets
 * the stored response replayed. A 503 (Redis failing over) is retried after the server's Retry-After of 2 s, with
 * the same owner, as the API asks; each 503 still counts as a failed request in the report. Every request carries
 * the bearer token, which the legacy routes need too unless {@code QUONDAM_LEGACY_AUTH=none}.
 */
public class KeyApiSimulation extends Simulation {
    private static final int ATTEMPTS = 4;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    // Keys of this run never meet keys of an earlier run against the same Redis.
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public KeyApiSimulation() {
        var protocol = http.baseUrl(settings.keyApiUrl())
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .disableWarmUp()
                .shareConnections();

        var legacy = scenario("legacy keys")
                .exec(session -> session.set("shard", "shard-" + session.userId() % 16)
                        .set("key", run + "-legacy-" + session.userId()))
                .exec(retried("legacy register", http("legacy register").put("/keys")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody("{\"shard\":\"#{shard}\",\"key\":\"#{key}\"}"))
                        .check(status().is(201))))
                .exec(retried("legacy claim", http("legacy claim").delete("/keys")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody("{\"shard\":\"#{shard}\",\"key\":\"#{key}\"}"))
                        .check(status().is(200), jsonPath("$.claimed").ofBoolean().is(true))))
                .exec(retried("legacy duplicate claim", http("legacy duplicate claim").delete("/keys")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody("{\"shard\":\"#{shard}\",\"key\":\"#{key}\"}"))
                        .check(status().is(200), jsonPath("$.claimed").ofBoolean().is(false))));

        String claimBody = "{\"owner\":\"#{owner}\",\"fingerprint\":\"sha256:#{key}\",\"ttlSeconds\":3600}";
        var v1 = scenario("v1 claim and result")
                .exec(session -> session.set("key", run + "-order-" + session.userId())
                        .set("owner", "req-" + session.userId()).set("rival", "rival-" + session.userId()))
                .exec(retried("v1 claim", http("v1 claim").put("/v1/keys/#{key}")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody(claimBody))
                        // 200: our own earlier attempt got through before a 503 reached us.
                        .check(status().in(200, 201), jsonPath("$.owner").isEL("#{owner}"))))
                .exec(retried("v1 competing claim", http("v1 competing claim").put("/v1/keys/#{key}")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody(
                                "{\"owner\":\"#{rival}\",\"fingerprint\":\"sha256:#{key}\"}"))
                        .check(status().is(409))))
                .exec(retried("v1 retried claim", http("v1 retried claim").put("/v1/keys/#{key}")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody(claimBody))
                        .check(status().is(200), jsonPath("$.status").is("IN_PROGRESS"))))
                .exec(retried("v1 result", http("v1 result").put("/v1/keys/#{key}/result")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody(
                                "{\"owner\":\"#{owner}\",\"response\":{\"paymentId\":\"#{key}\","
                                        + "\"state\":\"booked\"}}"))
                        .check(status().is(200), jsonPath("$.status").is("COMPLETED"))))
                .exec(retried("v1 claim after result", http("v1 claim after result").put("/v1/keys/#{key}")
                        .header("Authorization", "Bearer " + settings.keyApiToken())
                        .body(StringBody(
                                "{\"owner\":\"#{rival}\",\"fingerprint\":\"sha256:#{key}\"}"))
                        .check(status().is(200), jsonPath("$.status").is("COMPLETED"),
                                jsonPath("$.response.paymentId").isEL("#{key}"))));

        setUp(legacy.injectOpen(constantUsersPerSec(settings.keyApiRate()).during(settings.duration())),
                v1.injectOpen(constantUsersPerSec(settings.keyApiRate()).during(settings.duration())))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().percent().lt(settings.maxFailedPercent()),
                        global().responseTime().percentile(99.0).lt(settings.p99BoundMillis()));
    }

    /** The request, tried up to {@value #ATTEMPTS} times with the Retry-After pause before each retry. */
    private static ChainBuilder retried(String name, io.gatling.javaapi.core.ActionBuilder request) {
        String attempt = "attempt: " + name;
        return tryMax(ATTEMPTS, attempt).on(
                doIf(session -> attemptIndex(session, attempt) > 0).then(pause(RETRY_AFTER)),
                exec(request)).exitHereIfFailed();
    }

    private static int attemptIndex(Session session, String counter) {
        return session.contains(counter) ? session.getInt(counter) : 0;
    }
}
