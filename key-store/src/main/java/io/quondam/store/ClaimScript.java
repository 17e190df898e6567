package io.quondam.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The Lua claim script (many keys per call): its source, its SHA-1 for EVALSHA, its arguments and its reply. */
final class ClaimScript {
    private static final LuaScript SCRIPT = LuaScript.load("claim.lua");
    static final String SOURCE = SCRIPT.source();
    static final String SHA1 = SCRIPT.sha1();

    private ClaimScript() {
    }

    static List<String> keys(List<ClaimRequest> requests) {
        var keys = new ArrayList<String>(requests.size());
        for (var request : requests) {
            keys.add(RedisKeys.of(request.namespace(), request.key()));
        }
        return keys;
    }

    static List<String> args(List<ClaimRequest> requests) {
        var args = new ArrayList<String>(requests.size() * 2);
        for (var request : requests) {
            args.add(request.owner());
            args.add(Long.toString(request.ttl().toMillis()));
        }
        return args;
    }

    /** One result per request, in order, from the script's flat {code, owner, age, code, owner, age, ...} reply. */
    static List<ClaimResult> parse(Object reply, int requests) {
        if (!(reply instanceof List<?> fields) || fields.size() != 3 * requests) {
            throw new KeyStoreException("unexpected claim script reply for " + requests + " claim(s): " + reply);
        }
        var results = new ArrayList<ClaimResult>(requests);
        for (int i = 0; i < fields.size(); i += 3) {
            results.add(result((Long) fields.get(i), LuaScript.text(fields.get(i + 1)), (Long) fields.get(i + 2)));
        }
        return results;
    }

    private static ClaimResult result(long code, String owner, long ageMillis) {
        var age = Duration.ofMillis(Math.max(0, ageMillis));
        return switch ((int) code) {
            case 1 -> new ClaimResult.Claimed(owner);
            case 2 -> new ClaimResult.Replayed(owner, age);
            case 3 -> new ClaimResult.Duplicate(owner, age);
            default -> throw new KeyStoreException("unexpected claim script code: " + code);
        };
    }
}
