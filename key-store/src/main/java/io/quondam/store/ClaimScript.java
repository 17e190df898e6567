package io.quondam.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** The Lua claim script: its source, its SHA-1 for EVALSHA, and how to read its reply. */
final class ClaimScript {
    static final String SOURCE = load();
    static final String SHA1 = sha1(SOURCE);

    private ClaimScript() {
    }

    static List<String> args(ClaimRequest request) {
        return List.of(request.owner(), Long.toString(request.ttl().toMillis()));
    }

    static ClaimResult parse(Object reply) {
        if (!(reply instanceof List<?> fields) || fields.size() != 3) {
            throw new KeyStoreException("unexpected claim script reply: " + reply);
        }
        long code = (Long) fields.get(0);
        String owner = text(fields.get(1));
        var age = Duration.ofMillis(Math.max(0, (Long) fields.get(2)));
        return switch ((int) code) {
            case 1 -> new ClaimResult.Claimed(owner);
            case 2 -> new ClaimResult.Replayed(owner, age);
            case 3 -> new ClaimResult.Duplicate(owner, age);
            default -> throw new KeyStoreException("unexpected claim script code: " + code);
        };
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String load() {
        try (var in = ClaimScript.class.getResourceAsStream("claim.lua")) {
            if (in == null) {
                throw new IllegalStateException("claim.lua missing from the key-store jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
