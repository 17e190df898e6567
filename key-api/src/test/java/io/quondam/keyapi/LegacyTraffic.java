package io.quondam.keyapi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client threads on the legacy routes, as the original service's clients used them: register a fresh key, then two
 * consumers consume it one after the other. A 503 is retried until a definite answer comes, and every
 * answer is recorded per key, so that a test can tell a key consumed twice from one whose consume was ambiguous.
 */
final class LegacyTraffic {
    /** What happened to one key: how many consumes answered {"claimed":true}, and whether any answered 503. */
    static final class KeyOutcome {
        final AtomicInteger consumed = new AtomicInteger();
        volatile boolean ambiguous;
    }

    private static final long GIVE_UP_NANOS = 60_000_000_000L;

    private final ApiClient client;
    private final String token;
    private final String shard;
    private final ClientThreads threads;
    private final AtomicInteger registered = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final Map<String, KeyOutcome> outcomes = new ConcurrentHashMap<>();

    LegacyTraffic(ApiClient client, String token, String shard, int clients) {
        this.client = client;
        this.token = token;
        this.shard = shard;
        this.threads = new ClientThreads("legacy clients", clients, Duration.ofSeconds(90));
    }

    void start() {
        threads.start((clientId, running) -> {
            for (int i = 0; running.getAsBoolean(); i++) {
                String key = clientId + "-" + i;
                if (send("PUT", key) == null) {
                    continue; // gave up: never acknowledged, nothing to check
                }
                registered.incrementAndGet();
                var outcome = new KeyOutcome();
                outcomes.put(key, outcome);
                for (int consumer = 1; consumer <= 2; consumer++) { // two consumers, one after the other
                    String body = send("DELETE", key);
                    if (body == null) {
                        outcome.ambiguous = true;
                    } else if (body.contains("\"claimed\":true")) {
                        outcome.consumed.incrementAndGet();
                    }
                }
            }
        });
    }

    /** The body of the first definite (2xx) answer, or null if none came in time; marks 503s. */
    private String send(String method, String key) {
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        String body = "{\"shard\":\"" + shard + "\",\"key\":\"" + key + "\"}";
        while (System.nanoTime() < deadline) {
            var response = client.json(method, "/keys", token, body);
            if (response.statusCode() / 100 == 2) {
                return response.body();
            }
            if (response.statusCode() != 503) {
                throw new IllegalStateException(method + " /keys answered " + response.statusCode() + ": "
                        + response.body());
            }
            // Retried at once: key-api answers 503 only after its own bounded retries and WAITs.
            unavailable.incrementAndGet();
            if (method.equals("DELETE")) {
                outcomes.get(key).ambiguous = true; // the delete may have happened: a retry may answer false
            }
        }
        return null;
    }

    void stop() throws InterruptedException {
        threads.stop();
    }

    int registered() {
        return registered.get();
    }

    int unavailable() {
        return unavailable.get();
    }

    /** Keys that more than one consume was told it had consumed. */
    List<String> consumedTwice() {
        return outcomes.entrySet().stream().filter(e -> e.getValue().consumed.get() > 1).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** Keys registered (201) whose consumes all answered at once, none of them true: the registration was lost. */
    List<String> lostRegistrations() {
        return outcomes.entrySet().stream()
                .filter(e -> e.getValue().consumed.get() == 0 && !e.getValue().ambiguous).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** Keys a consume was told it had consumed. */
    List<String> consumed() {
        return outcomes.entrySet().stream().filter(e -> e.getValue().consumed.get() == 1).map(Map.Entry::getKey)
                .sorted().toList();
    }
}
