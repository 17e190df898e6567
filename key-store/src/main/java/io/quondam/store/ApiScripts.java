package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Lua scripts of the HTTP API (claim-key.lua, complete.lua, status.lua): their sources, SHA-1s and how to read
 * their replies.
 */
final class ApiScripts {
    private static final LuaScript CLAIM_KEY = LuaScript.load("claim-key.lua");
    private static final LuaScript COMPLETE = LuaScript.load("complete.lua");
    static final String CLAIM_KEY_SOURCE = CLAIM_KEY.source();
    static final String CLAIM_KEY_SHA1 = CLAIM_KEY.sha1();
    static final String COMPLETE_SOURCE = COMPLETE.source();
    static final String COMPLETE_SHA1 = COMPLETE.sha1();
    private static final LuaScript STATUS = LuaScript.load("status.lua");
    static final String STATUS_SOURCE = STATUS.source();
    static final String STATUS_SHA1 = STATUS.sha1();

    private ApiScripts() {
    }

    static KeyClaim parseClaim(Object reply) {
        if (!(reply instanceof List<?> fields) || fields.size() != 5) {
            throw new KeyStoreException("unexpected claim-key script reply");
        }
        long code = (Long) fields.get(0);
        String owner = LuaScript.text(fields.get(1));
        var expiresIn = Duration.ofMillis(Math.max(0, (Long) fields.get(2)));
        return switch ((int) code) {
            case 1 -> new KeyClaim.Claimed(owner, expiresIn);
            case 2 -> new KeyClaim.AlreadyOwned(owner, expiresIn);
            case 3 -> new KeyClaim.InProgress(owner, expiresIn);
            case 4 -> new KeyClaim.Completed(owner, expiresIn, LuaScript.text(fields.get(3)),
                    optional(LuaScript.text(fields.get(4))));
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
            case 2 -> new CompleteResult.NotOwner(LuaScript.text(fields.get(1)));
            case 3 -> new CompleteResult.CompletedDifferently();
            default -> throw new KeyStoreException("unexpected complete script code: " + code);
        };
    }

    static Optional<KeyStatus> parseStatus(Object reply) {
        if (!(reply instanceof List<?> fields) || (fields.size() != 5 && !fields.isEmpty())) {
            throw new KeyStoreException("unexpected status script reply");
        }
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        boolean completed = "C".equals(LuaScript.text(fields.get(0)));
        return Optional.of(new KeyStatus(LuaScript.text(fields.get(1)), Duration.ofMillis((Long) fields.get(2)),
                completed ? KeyState.COMPLETED : KeyState.IN_PROGRESS,
                completed ? Optional.of(LuaScript.text(fields.get(4))) : Optional.empty(),
                optional(LuaScript.text(fields.get(3)))));
    }

    static Optional<String> optional(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
