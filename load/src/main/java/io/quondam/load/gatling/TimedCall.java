package io.quondam.load.gatling;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.stats.StatsEngine;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.Session;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * A Gatling action that times a non-blocking call other than HTTP (here: a Kafka send) and records it as a request,
 * so it appears in the report with its response time, OK or KO, like an HTTP request.
 *
 * <p>Why not the alternatives: {@code exec(session -> ...)} is not timed at all, and a blocking call in it stalls
 * the event loop that runs many virtual users; {@code dummy(name, time)} records a time it is given, stamped from
 * the moment it runs, and then holds the user for that time again. This is what Gatling's own protocol actions do:
 * take the clock, start the call, and when it completes log the response with the stats engine and hand the user
 * back to its event loop.
 */
public final class TimedCall implements ActionBuilder {
    private static final AtomicLong IDS = new AtomicLong();

    private final Function<Session, String> requestName;
    private final Function<Session, CompletionStage<?>> call;

    private TimedCall(Function<Session, String> requestName, Function<Session, CompletionStage<?>> call) {
        this.requestName = requestName;
        this.call = call;
    }

    /** {@code call} starts the operation and returns at once; the request lasts until its stage completes. */
    public static TimedCall timed(String requestName, Function<Session, CompletionStage<?>> call) {
        return new TimedCall(session -> requestName, call);
    }

    /** As {@link #timed(String, Function)}, with the request name taken from the session. */
    public static TimedCall timed(Function<Session, String> requestName,
                                  Function<Session, CompletionStage<?>> call) {
        return new TimedCall(requestName, call);
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return new io.gatling.core.action.builder.ActionBuilder() {
            @Override
            public Action build(ScenarioContext context, Action next) {
                var components = context.coreComponents();
                return new TimedAction(components.statsEngine(), components.clock(), next);
            }
        };
    }

    /** The action itself; Gatling's {@code Action} is a Scala trait, so the logger members are spelt out here. */
    private final class TimedAction implements Action {
        private final com.typesafe.scalalogging.Logger logger =
                com.typesafe.scalalogging.Logger$.MODULE$.apply(LoggerFactory.getLogger(TimedCall.class));
        private final StatsEngine statsEngine;
        private final Clock clock;
        private final Action next;
        private final String name = "timedCall-" + IDS.incrementAndGet();

        TimedAction(StatsEngine statsEngine, Clock clock, Action next) {
            this.statsEngine = statsEngine;
            this.clock = clock;
            this.next = next;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void execute(io.gatling.core.session.Session session) {
            var javaSession = new Session(session);
            String request = requestName.apply(javaSession);
            long start = clock.nowMillis();
            CompletionStage<?> stage;
            try {
                stage = call.apply(javaSession);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e); // a call that throws instead of failing its stage
            }
            stage.whenComplete((result, error) -> {
                long end = clock.nowMillis();
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                statsEngine.logResponse(session.scenario(), session.groups(), request, start, end,
                        cause == null ? OK$.MODULE$ : KO$.MODULE$, Option.empty(),
                        cause == null ? Option.empty() : Option.apply(cause.getClass().getSimpleName() + ": "
                                + cause.getMessage()));
                var timed = session.logGroupRequestTimings(start, end);
                var after = cause == null ? timed : timed.markAsFailed();
                // The stage may complete on a client thread (Kafka's I/O thread); the user continues on its own loop.
                session.eventLoop().execute(() -> next.$bang(after));
            });
        }

        @Override
        public com.typesafe.scalalogging.Logger logger() {
            return logger;
        }

        @Override
        public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(
                com.typesafe.scalalogging.Logger ignored) {
            // Scala's trait initialiser would set the logger; in Java the field above is it.
        }
    }
}
