package io.quondam.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The Lua claim script (many keys per call): its source, its SHA-1 for EVALSHA, its arguments and its reply. */
final class ClaimScript {
    private static final LuaScript SCRIPT = LuaScript.load("claim.lua");
    static final String SOURCE = SCRIPT.source();
    static final String SHA1 = SCRIPT.sha1();

    private ClaimScript() {
    }

    static List<byte[]> args(List<ClaimRequest> requests) {
        var args = new ArrayList<byte[]>(requests.size() * 2);
        for (var request : requests) {
            args.add(request.owner().getBytes(StandardCharsets.UTF_8));
            args.add(Long.toString(request.ttl().toMillis()).getBytes(StandardCharsets.US_ASCII));
        }
        return args;
    }

    /** One result per request, in order, from the script's flat {code, owner, code, owner, ...} reply. */
    static List<ClaimResult> parse(Object reply, int requests) {
        if (!(reply instanceof List<?> fields) || fields.size() != 2 * requests) {
            throw new KeyStoreException("unexpected claim script reply for " + requests + " claim(s): " + reply);
        }
        var results = new ArrayList<ClaimResult>(requests);
        for (int i = 0; i < fields.size(); i += 2) {
            results.add(result((Long) fields.get(i), LuaScript.text(fields.get(i + 1))));
        }
        return results;
    }

    private static ClaimResult result(long code, String owner) {
        return switch ((int) code) {
            case 1 -> new ClaimResult.Claimed(owner);
            case 2 -> new ClaimResult.Replayed(owner);
            case 3 -> new ClaimResult.Duplicate(owner);
            default -> throw new KeyStoreException("unexpected claim script code: " + code);
        };
    }
}
