package io.quondam.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether a master holds the writes a session had confirmed: the replication history ({@code master_replid}) and
 * offset of the master at the session's last successful WAIT, against a master found after a reconnect. A promoted
 * replica keeps the history it followed as {@code master_replid2} and starts its own at {@code second_repl_offset},
 * one past the last byte of the old history it holds. Only one earlier history is kept, so after two failovers in a
 * row the question cannot be answered.
 */
record ReplicationHistory(String id, long offset) {

    enum Verdict {
        /** The same history, or one that continues it past the confirmed offset. */
        HOLDS,
        /** It continues the history from an offset before the confirmed one: writes confirmed after it are gone. */
        LACKS,
        /** Neither the history nor its predecessor: two failovers, or a master restarted empty. */
        UNKNOWN
    }

    static final ReplicationHistory NONE = new ReplicationHistory("", -1);

    boolean isKnown() {
        return !id.isEmpty() && offset >= 0;
    }

    /** The verdict for a master whose {@code INFO replication} reads {@code info}. */
    Verdict heldBy(String info) {
        var fields = fields(info);
        if (id.equals(fields.get("master_replid"))) {
            return Verdict.HOLDS;
        }
        if (id.equals(fields.get("master_replid2"))) {
            long continuedFrom = parse(fields.get("second_repl_offset"));
            return continuedFrom > offset ? Verdict.HOLDS : Verdict.LACKS;
        }
        return Verdict.UNKNOWN;
    }

    /** The history id of a master, from its {@code INFO replication}. */
    static String idOf(String info) {
        return fields(info).getOrDefault("master_replid", "");
    }

    private static Map<String, String> fields(String info) {
        var fields = new HashMap<String, String>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    private static long parse(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
