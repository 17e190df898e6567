package io.quondam.store;

import java.time.Duration;
import java.util.List;

/** The Lua claim script: its source, its SHA-1 for EVALSHA, and how to read its reply. */
final class ClaimScript {
    private static final LuaScript SCRIPT = LuaScript.load("claim.lua");
    static final String SOURCE = SCRIPT.source();
    static final String SHA1 = SCRIPT.sha1();

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
        String owner = LuaScript.text(fields.get(1));
        var age = Duration.ofMillis(Math.max(0, (Long) fields.get(2)));
        return switch ((int) code) {
            case 1 -> new ClaimResult.Claimed(owner);
            case 2 -> new ClaimResult.Replayed(owner, age);
            case 3 -> new ClaimResult.Duplicate(owner, age);
            default -> throw new KeyStoreException("unexpected claim script code: " + code);
        };
    }
}
