package io.quondam.stack;

import java.nio.file.Path;

/** sentinel.conf of one Sentinel watching the master {@code masterName}; Sentinel rewrites this file itself. */
record SentinelConfig(int port, Path dir, String masterName, int masterPort, int quorum,
                             String redisPassword, String sentinelPassword) {

    public String render() {
        String master = " " + masterName + " ";
        return "bind 127.0.0.1\n"
                + "port " + port + "\n"
                + "daemonize no\n"
                + "logfile \"\"\n"
                + "dir " + dir + "\n"
                // Clients must AUTH to Sentinel too, and Sentinels use the same password with each other.
                + "requirepass " + sentinelPassword + "\n"
                + "sentinel monitor" + master + "127.0.0.1 " + masterPort + " " + quorum + "\n"
                + "sentinel auth-pass" + master + redisPassword + "\n"
                // Fast failover for tests: down after 1 s, one failover attempt per 5 s.
                + "sentinel down-after-milliseconds" + master + "1000\n"
                + "sentinel failover-timeout" + master + "5000\n"
                + "sentinel parallel-syncs" + master + "1\n";
    }
}
