package io.quondam.load;

import io.quondam.testdata.PaymentEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the generator produced: counts by kind and every unique paymentId, so that the verifier can tell booked from
 * lost. A text file: one header line {@code # quondam-manifest produced=N unique=N duplicates=N malformed=N seed=N},
 * then one paymentId per line.
 */
public record Manifest(long produced, long duplicates, long malformed, long seed, Set<String> uniquePaymentIds) {

    public static Manifest of(List<PaymentEvents.Event> events, long seed) {
        var ids = new LinkedHashSet<String>();
        events.stream().filter(PaymentEvents.Event::original).forEach(e -> ids.add(e.paymentId()));
        return new Manifest(events.size(), PaymentEvents.count(events, PaymentEvents.Kind.DUPLICATE),
                PaymentEvents.count(events, PaymentEvents.Kind.MALFORMED), seed, ids);
    }

    public long unique() {
        return uniquePaymentIds.size();
    }

    public void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        var lines = new ArrayList<String>();
        lines.add("# quondam-manifest produced=" + produced + " unique=" + unique() + " duplicates=" + duplicates
                + " malformed=" + malformed + " seed=" + seed);
        lines.addAll(uniquePaymentIds);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    public static Manifest read(Path file) throws IOException {
        var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("# quondam-manifest ")) {
            throw new IOException(file + " is not a quondam manifest (first line must start with "
                    + "'# quondam-manifest')");
        }
        Map<String, Long> header = new TreeMap<>();
        for (String pair : lines.get(0).substring("# quondam-manifest ".length()).trim().split("\\s+")) {
            String[] kv = pair.split("=", 2);
            header.put(kv[0], Long.parseLong(kv[1]));
        }
        var ids = new LinkedHashSet<>(lines.subList(1, lines.size()));
        ids.remove("");
        if (ids.size() != header.getOrDefault("unique", -1L)) {
            throw new IOException(file + " is truncated: header says unique=" + header.get("unique") + ", found "
                    + ids.size() + " ids");
        }
        return new Manifest(header.get("produced"), header.get("duplicates"), header.get("malformed"),
                header.get("seed"), ids);
    }
}
