package io.quondam.guard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import redis.clients.jedis.HostAndPort;

/**
 * The guard of one Redis data node, run beside it (a sidecar container on Kubernetes), or of several nodes on one
 * machine (the local stack). Settings come from the environment; see docs/configuration.md.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        GuardSettings settings;
        try {
            settings = GuardSettings.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("redis-guard: " + e.getMessage());
            System.exit(2);
            return;
        }
        var loops = new ArrayList<GuardLoop>();
        for (HostAndPort node : settings.nodes()) {
            loops.add(GuardLoop.start(new ReplicaGuard(node, settings.password(), settings.priority(),
                    settings.timeout(), settings.sentinels(), settings.masterName(), settings.sentinelPassword()),
                    settings.interval()));
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loops.forEach(GuardLoop::close);
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** The guard's settings; every problem is reported at once. */
    record GuardSettings(List<HostAndPort> nodes, String password, int priority, Duration interval,
                         Duration timeout, List<HostAndPort> sentinels, String masterName, String sentinelPassword) {

        static GuardSettings from(Map<String, String> env) {
            var problems = new ArrayList<String>();
            var nodes = addresses(env, "QUONDAM_GUARD_REDIS", "127.0.0.1:6379", problems);
            var sentinels = addresses(env, "QUONDAM_GUARD_SENTINELS", "", problems);
            String masterName = env.getOrDefault("QUONDAM_GUARD_MASTER_NAME", "quondam");
            String sentinelPassword = env.getOrDefault("QUONDAM_GUARD_SENTINEL_PASSWORD", "");
            String password = env.getOrDefault("QUONDAM_GUARD_PASSWORD", "");
            if (password.isEmpty()) {
                problems.add("QUONDAM_GUARD_PASSWORD is required: the password of the node's default user"
                        + " (it runs CONFIG SET and reads its master's INFO)");
            }
            int priority = integer(env, "QUONDAM_GUARD_PRIORITY", 100, 1, 255, problems);
            Duration interval = Duration.ofMillis(integer(env, "QUONDAM_GUARD_INTERVAL_MS", 100, 10, 5_000, problems));
            Duration timeout = Duration.ofMillis(integer(env, "QUONDAM_GUARD_TIMEOUT_MS", 500, 50, 10_000, problems));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new GuardSettings(nodes, password, priority, interval, timeout, sentinels, masterName,
                    sentinelPassword);
        }

        private static List<HostAndPort> addresses(Map<String, String> env, String name, String defaultValue,
                                                   List<String> problems) {
            var addresses = new ArrayList<HostAndPort>();
            for (String address : env.getOrDefault(name, defaultValue).split(",")) {
                if (address.isBlank()) {
                    continue;
                }
                try {
                    addresses.add(HostAndPort.from(address.strip()));
                } catch (RuntimeException e) {
                    problems.add(name + " must be host:port[,host:port...], has '" + address + "'");
                }
            }
            return List.copyOf(addresses);
        }

        private static int integer(Map<String, String> env, String name, int defaultValue, int min, int max,
                                   List<String> problems) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return defaultValue;
            }
            try {
                int parsed = Integer.parseInt(value.strip());
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(name + " must be an integer from " + min + " to " + max + ", was '" + value + "'");
            return defaultValue;
        }
    }
}
