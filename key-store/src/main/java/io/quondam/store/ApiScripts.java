package io.quondam.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The Lua scripts of the HTTP API (claim-key.lua, complete.lua): their sources, SHA-1s and how to read replies. */
final class ApiScripts {
    static final String CLAIM_KEY_SOURCE = load("claim-key.lua");
    static final String CLAIM_KEY_SHA1 = sha1(CLAIM_KEY_SOURCE);
    static final String COMPLETE_SOURCE = load("complete.lua");
    static final String COMPLETE_SHA1 = sha1(COMPLETE_SOURCE);

    private ApiScripts() {
    }

    static KeyClaim parseClaim(Object reply) {
        if (!(reply instanceof List<?> fields) || fields.size() != 5) {
            throw new KeyStoreException("unexpected claim-key script reply");
        }
        long code = (Long) fields.get(0);
        String owner = text(fields.get(1));
        var expiresIn = Duration.ofMillis(Math.max(0, (Long) fields.get(2)));
        return switch ((int) code) {
            case 1 -> new KeyClaim.Claimed(owner, expiresIn);
            case 2 -> new KeyClaim.AlreadyOwned(owner, expiresIn);
            case 3 -> new KeyClaim.InProgress(owner, expiresIn);
            case 4 -> new KeyClaim.Completed(owner, expiresIn, text(fields.get(3)), optional(text(fields.get(4))));
            default -> throw new KeyStoreException("unexpected claim-key script code: " + code);
        };
    }

    static CompleteResult parseComplete(Object reply) {
        if (!(reply instanceof List<?> fields) || fields.size() != 2) {
            throw new KeyStoreException("unexpected complete script reply");
        }
        long code = (Long) fields.get(0);
        return switch ((int) code) {
            case 0 -> new CompleteResult.NotFound();
            case 1 -> new CompleteResult.Completed();
            case 2 -> new CompleteResult.NotOwner(text(fields.get(1)));
            default -> throw new KeyStoreException("unexpected complete script code: " + code);
        };
    }

    static Optional<String> optional(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String load(String name) {
        try (var in = ApiScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the key-store jar");
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
