package io.quondam.testdata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded, reproducible payment events with duplicates in three shapes — an immediate resend, a delayed resend, and a
 * resend under another record key (so it lands on another partition) — and optionally a share of malformed records.
 * The same seed always gives the same events in the same order.
 */
public final class PaymentEvents {

    /** What an event is, for the manifest and the verifier. */
    public enum Kind { ORIGINAL, DUPLICATE, MALFORMED }

    /** One record to produce; {@code paymentId} is empty for a malformed record. */
    public record Event(String paymentId, byte[] recordKey, byte[] value, Kind kind) {
        public boolean original() {
            return kind == Kind.ORIGINAL;
        }
    }

    private record Placed(Event event, long position, int sequence) {
    }

    private PaymentEvents() {
    }

    /** {@code total} events of which about {@code duplicateRatio} are duplicates; none malformed. */
    public static List<Event> generate(int total, double duplicateRatio, long seed) {
        return generate(total, duplicateRatio, 0.0, seed);
    }

    /**
     * {@code total} events: {@code malformedRatio} malformed, {@code duplicateRatio} duplicates of earlier payments,
     * the rest first occurrences.
     */
    public static List<Event> generate(int total, double duplicateRatio, double malformedRatio, long seed) {
        if (total < 1 || duplicateRatio < 0 || malformedRatio < 0 || duplicateRatio + malformedRatio >= 1) {
            throw new IllegalArgumentException("need total >= 1 and 0 <= ratios, duplicate + malformed < 1");
        }
        var random = new Random(seed);
        int malformed = (int) Math.round(total * malformedRatio);
        int duplicates = (int) Math.round(total * duplicateRatio);
        int uniques = total - malformed - duplicates;
        var placed = new ArrayList<Placed>(total);
        int sequence = 0;
        for (int i = 0; i < uniques; i++) {
            String id = paymentId(seed, i);
            placed.add(new Placed(payment(id, id, random, Kind.ORIGINAL), i * 10L, sequence++));
        }
        for (int d = 0; d < duplicates; d++) {
            int of = random.nextInt(uniques);
            String id = paymentId(seed, of);
            int shape = random.nextInt(3);
            long position = of * 10L + (shape == 0 ? 1 : 1 + random.nextInt(uniques * 5)); // immediate or delayed
            String recordKey = shape == 2 ? id + "/resend-" + d : id; // another key: likely another partition
            placed.add(new Placed(payment(id, recordKey, random, Kind.DUPLICATE), position, sequence++));
        }
        for (int m = 0; m < malformed; m++) {
            placed.add(new Placed(malformed(m, random), random.nextInt(uniques) * 10L + 5, sequence++));
        }
        placed.sort(Comparator.comparingLong(Placed::position).thenComparingInt(Placed::sequence));
        return placed.stream().map(Placed::event).toList();
    }

    /**
     * The first occurrence of payment {@code index} of {@code seed}, built on its own (same id and JSON shape as
     * {@link #generate}), for generators that produce one payment at a time, such as an open-model load test.
     */
    public static Event original(long seed, int index) {
        String id = paymentId(seed, index);
        return payment(id, id, new Random(seed * 1_000_003L + index), Kind.ORIGINAL);
    }

    public static String paymentId(long seed, int index) {
        return "pay-" + seed + "-" + index;
    }

    public static long count(List<Event> events, Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    private static Event payment(String id, String recordKey, Random random, Kind kind) {
        String json = "{\"paymentId\":\"" + id + "\",\"account\":\"acc-" + random.nextInt(1000)
                + "\",\"amountMinor\":" + (100 + random.nextInt(100_000)) + ",\"currency\":\""
                + (random.nextInt(4) == 0 ? "USD" : "EUR") + "\",\"createdAt\":\"2026-11-26T10:00:00Z\"}";
        return new Event(id, bytes(recordKey), bytes(json), kind);
    }

    private static Event malformed(int index, Random random) {
        String value = switch (random.nextInt(3)) {
            case 0 -> "{\"paymentId\": \"broken-" + index; // truncated JSON
            case 1 -> "{\"account\":\"acc-1\",\"amountMinor\":100}"; // no idempotency key
            default -> "{\"paymentId\":" + index + "}"; // a number where a string belongs
        };
        return new Event("", bytes("malformed-" + index), bytes(value), Kind.MALFORMED);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
