package io.quondam.keyapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client threads that claim fresh keys through the key API, each key first by owner "a" and then by owner "b", and
 * record every answer: which owner won each key, the statuses, and when 503s were answered.
 */
final class ClaimTraffic {
    private record Answer(long atNanos, long latencyNanos, int status) {
    }

    /** Answers between two moments, to report the steady state before a fault. */
    record Window(long fromNanos, long toNanos, int claimed, List<Long> latencies) {
    }

    private final ApiClient client;
    private final String token;
    private final String keyPrefix;
    private final int clients;
    private final ClientThreads threads;
    private final AtomicInteger claimed = new AtomicInteger();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Map<String, String> winners = new ConcurrentHashMap<>();
    private final Map<String, Integer> wins = new ConcurrentHashMap<>();

    ClaimTraffic(ApiClient client, String token, String keyPrefix, int clients) {
        this.client = client;
        this.token = token;
        this.keyPrefix = keyPrefix;
        this.clients = clients;
        this.threads = new ClientThreads("claim clients", clients, Duration.ofSeconds(60));
    }

    void start() {
        threads.start((clientId, running) -> {
            for (int i = 0; running.getAsBoolean(); i++) {
                String key = keyPrefix + "-" + clientId + "-" + i;
                claim(key, "a");
                claim(key, "b");
            }
        });
    }

    private void claim(String key, String owner) {
        long began = System.nanoTime();
        int status = client.json("PUT", "/v1/keys/" + key, token, "{\"owner\":\"" + owner + "\"}").statusCode();
        long ended = System.nanoTime();
        answers.add(new Answer(ended, ended - began, status));
        if (status == 201) {
            claimed.incrementAndGet();
            winners.put(key, owner);
            wins.merge(key, 1, Integer::sum);
        }
    }

    void stop() throws InterruptedException {
        threads.stop();
    }

    int claimed() {
        return claimed.get();
    }

    /** The answers since {@code fromNanos} (after warm-up: connections open, JIT done). */
    Window since(long fromNanos) {
        var latencies = new ArrayList<Long>();
        int won = 0;
        for (var answer : answers) {
            if (answer.atNanos() > fromNanos) {
                latencies.add(answer.latencyNanos());
                won += answer.status() == 201 ? 1 : 0;
            }
        }
        return new Window(fromNanos, System.nanoTime(), won, latencies);
    }

    Map<Integer, Integer> statuses() {
        var counts = new TreeMap<Integer, Integer>();
        answers.forEach(answer -> counts.merge(answer.status(), 1, Integer::sum));
        return counts;
    }

    /** Keys for which more than one claim was answered 201. */
    List<String> keysWonTwice() {
        return wins.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    Map<String, String> winners() {
        return Map.copyOf(winners);
    }

    /** Appends the steady-state rate and latencies and the 503 window around the kill to {@code file}. */
    void report(Path file, Window steady, String oldMaster, String newMaster, double promotedAfterSec, long killedAt)
            throws IOException {
        var sorted = steady.latencies().stream().sorted().toList();
        double seconds = (steady.toNanos() - steady.fromNanos()) / 1e9;
        var unavailable = answers.stream().filter(answer -> answer.status() == 503).mapToLong(Answer::atNanos)
                .toArray();
        long lastUnavailable = unavailable.length == 0 ? killedAt
                : java.util.Arrays.stream(unavailable).max().orElse(killedAt);
        // The stall as a client sees it: the slowest answer to a request sent around the kill.
        long slowest = answers.stream().filter(answer -> answer.atNanos() >= killedAt)
                .mapToLong(Answer::latencyNanos).max().orElse(0);
        String line = String.format("key-api failover (%d HTTP clients, JDK HttpClient, 8 Redis sessions, every online"
                        + " replica, at least 1): steady %.0f requests/s (%.0f claims/s), p50 %.2f ms, p99 %.2f ms over"
                        + " %d requests; master %s killed, Sentinel promoted %s after %.1f s; slowest answer after the"
                        + " kill %.1f s; %d answers 503, the last %.1f s after the kill; statuses %s%n",
                clients, sorted.size() / seconds, steady.claimed() / seconds, percentile(sorted, 0.50),
                percentile(sorted, 0.99), sorted.size(), oldMaster, newMaster, promotedAfterSec, slowest / 1e9,
                unavailable.length, (lastUnavailable - killedAt) / 1e9, statuses());
        Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(line);
    }

    private static double percentile(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))) / 1e6;
    }
}
