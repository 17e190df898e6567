package io.quondam.dedup.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded, reproducible payment events with duplicates in three shapes: an immediate resend, a delayed resend, and a
 * resend under another record key (so it lands on another partition).
 */
final class PaymentEvents {

    /** One event to produce; {@code original} is false for a duplicate. */
    record Event(String paymentId, byte[] recordKey, byte[] value, boolean original) {
    }

    private record Placed(Event event, long position, int sequence) {
    }

    private PaymentEvents() {
    }

    static List<Event> generate(int total, double duplicateRatio, long seed) {
        var random = new Random(seed);
        int uniques = (int) Math.round(total * (1 - duplicateRatio));
        var placed = new ArrayList<Placed>(total);
        int sequence = 0;
        for (int i = 0; i < uniques; i++) {
            String id = "pay-" + seed + "-" + i;
            placed.add(new Placed(event(id, id, random, true), i * 10L, sequence++));
        }
        for (int d = 0; d < total - uniques; d++) {
            int of = random.nextInt(uniques);
            String id = "pay-" + seed + "-" + of;
            int shape = random.nextInt(3);
            long position = of * 10L + switch (shape) {
                case 0 -> 1; // immediate resend
                default -> 1 + random.nextInt(uniques * 5); // delayed, up to half the stream later
            };
            String recordKey = shape == 2 ? id + "/resend-" + d : id; // another key: likely another partition
            placed.add(new Placed(event(id, recordKey, random, false), position, sequence++));
        }
        placed.sort(Comparator.comparingLong(Placed::position).thenComparingInt(Placed::sequence));
        return placed.stream().map(Placed::event).toList();
    }

    private static Event event(String id, String recordKey, Random random, boolean original) {
        String json = "{\"paymentId\":\"" + id + "\",\"account\":\"acc-" + random.nextInt(1000)
                + "\",\"amountMinor\":" + (100 + random.nextInt(100_000)) + ",\"currency\":\"EUR\","
                + "\"createdAt\":\"2026-11-26T10:00:00Z\"}";
        return new Event(id, recordKey.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8),
                original);
    }

    static long uniqueCount(List<Event> events) {
        return events.stream().filter(Event::original).count();
    }
}
