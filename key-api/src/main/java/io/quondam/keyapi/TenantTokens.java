package io.quondam.keyapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps bearer tokens to tenants. Only SHA-256 digests are kept, so a configuration may hold {@code sha256:<hex>}
 * instead of the token itself; every lookup compares against every digest in constant time.
 */
public final class TenantTokens {
    private record Entry(String tenant, byte[] digest) {
    }

    private final List<Entry> entries;

    private TenantTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses {@code tenant=token,tenant=sha256:<64 hex>}; problems are reported through {@code problems} and the
     * entry skipped.
     */
    public static TenantTokens parse(String text, List<String> problems) {
        var entries = new ArrayList<Entry>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals <= 0 || equals == item.length() - 1) {
                problems.add("QUONDAM_TOKENS: an entry is not tenant=token"); // never echo a token
                continue;
            }
            String tenant = item.substring(0, equals).trim();
            String secret = item.substring(equals + 1).trim();
            if (!tenant.matches("[A-Za-z0-9._-]{1,64}")) {
                problems.add("QUONDAM_TOKENS: tenant '" + tenant + "' must be 1-64 of A-Z a-z 0-9 . _ -");
                continue;
            }
            if (secret.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
                String hex = secret.substring("sha256:".length());
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    problems.add("QUONDAM_TOKENS: the sha256 digest of tenant '" + tenant + "' is not 64 hex digits");
                    continue;
                }
                entries.add(new Entry(tenant, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT))));
            } else {
                entries.add(new Entry(tenant, sha256(secret)));
            }
        }
        return new TenantTokens(entries);
    }

    public static TenantTokens of(String text) {
        var problems = new ArrayList<String>();
        var tokens = parse(text, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return tokens;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The tenant a token belongs to. Looks at every entry, so the time taken does not tell which one matched. */
    public Optional<String> tenantOf(String token) {
        byte[] digest = sha256(token);
        String found = null;
        for (var entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.tenant();
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
