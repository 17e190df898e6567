package io.quondam.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.quondam.load.gatling.TimedCall.timed;

import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * For TimedCallIT: calls that complete 200 ms later on another thread, and calls that fail. Its assertions are the
 * test: the report must show 200 ms, not the instant the call was started, and the failures as KO.
 */
public class SlowCallSimulation extends Simulation {
    static final int USERS = 20;

    public SlowCallSimulation() {
        var calls = scenario("timed calls")
                .exec(timed("slow call", session -> CompletableFuture.supplyAsync(() -> "done",
                        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))))
                .exec(timed("failing call", session -> CompletableFuture.failedFuture(
                        new IllegalStateException("the broker said no"))))
                .exec(timed("throwing call", session -> {
                    throw new IllegalStateException("no buffer space");
                }));

        setUp(calls.injectOpen(atOnceUsers(USERS))).assertions(
                details("slow call").responseTime().min().gte(195),
                details("slow call").responseTime().max().lt(1_000),
                details("slow call").successfulRequests().count().is((long) USERS),
                details("failing call").failedRequests().count().is((long) USERS),
                details("throwing call").failedRequests().count().is((long) USERS));
    }
}
