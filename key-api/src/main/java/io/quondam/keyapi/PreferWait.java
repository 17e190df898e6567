package io.quondam.keyapi;

import java.time.Duration;
import java.util.Enumeration;
import java.util.Locale;

/**
 * The {@code wait} preference of RFC 7240 ({@code Prefer: wait=5}): how many seconds a client will wait for its answer.
 * Other preferences are ignored, as the RFC asks; a malformed value is ignored too (it is a preference, not a
 * demand). The wait is capped at the server's maximum.
 */
final class PreferWait {
    private PreferWait() {
    }

    static Duration of(Enumeration<String> headers, Duration max) {
        Duration wait = Duration.ZERO;
        while (headers != null && headers.hasMoreElements()) {
            for (String preference : headers.nextElement().split(",")) {
                String[] nameAndValue = preference.split(";", 2)[0].split("=", 2);
                if (nameAndValue.length == 2 && nameAndValue[0].trim().toLowerCase(Locale.ROOT).equals("wait")) {
                    String seconds = nameAndValue[1].trim().replace("\"", "");
                    if (seconds.matches("\\d{1,9}")) {
                        wait = Duration.ofSeconds(Long.parseLong(seconds));
                    }
                }
            }
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
