package io.quondam.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.quondam.load.gatling.TimedCall.timed;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Payments into the input topic at a constant arrival rate (open model: one virtual user per payment), each sent once
 * and then resent in the planned shapes: at once, after a delay, or under another record key. Every send is timed
 * ({@link TimedCall}) and named by its shape in the report. When the run is over the manifest of acknowledged
 * payments is written for the verifier, which decides whether the pipeline booked each of them exactly once.
 */
public class DuplicatedPaymentsSimulation extends Simulation {
    static final String PLAN = "plan";
    static final String RESEND = "resend";

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    private final PaymentSender sender = new PaymentSender(settings.bootstrap(), settings.topic());
    private final DuplicatePlanner planner = new DuplicatePlanner(settings.duplicatePercent() / 100.0,
            settings.shapes(), sender.partitions(), settings.seed());

    public DuplicatedPaymentsSimulation() {
        Iterator<Map<String, Object>> plans = Stream.generate(() -> Map.<String, Object>of(PLAN, planner.next()))
                .iterator();
        var payments = scenario("duplicated payments")
                .exec(feed(plans))
                .exec(timed("payment", session -> sender.send(plan(session).original(), false)))
                .exec(repeat(session -> plan(session).resends().size(), "resendIndex").on(
                        exec(session -> session.set(RESEND,
                                plan(session).resends().get(session.getInt("resendIndex")))),
                        doIf(session -> resend(session).shape() == DuplicateShape.DELAYED)
                                .then(pause(settings.delayedResendAfter())),
                        exec(timed(session -> resend(session).shape().requestName(),
                                session -> sender.send(resend(session).send(), true)))));

        setUp(payments.injectOpen(constantUsersPerSec(settings.rate()).during(settings.duration())))
                .assertions(
                        global().failedRequests().percent().lt(settings.maxFailedPercent()),
                        forAll().responseTime().percentile(99.0).lt(settings.p99BoundMillis()));
    }

    @Override
    public void after() {
        sender.close();
        try {
            sender.manifest(settings.seed()).write(settings.manifest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest " + settings.manifest(), e);
        }
        System.out.printf("manifest %s: %,d records acknowledged, %,d failed sends%n",
                settings.manifest().toAbsolutePath(), sender.manifest(settings.seed()).produced(), sender.failed());
    }

    private static DuplicatePlanner.Plan plan(Session session) {
        return session.get(PLAN);
    }

    private static DuplicatePlanner.Resend resend(Session session) {
        return session.get(RESEND);
    }
}
