package io.quondam.payments;

import io.quondam.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything the payments-consumer is told from outside, read from {@code QUONDAM_*} environment variables (or a
 * {@code --config} properties file) and validated at once. Defaults run against the local stack with an embedded
 * PostgreSQL.
 *
 * @param dbUrl the ledger database; empty runs an embedded PostgreSQL in {@code embeddedDbDir}
 * @param embeddedDbPort the embedded PostgreSQL's port; 0 picks a free one
 * @param consumerOverrides Kafka consumer properties given as {@code QUONDAM_CONSUMER_*}
 */
public record LedgerConfig(
        String bootstrapServers,
        String topic,
        String groupId,
        String dbUrl,
        String dbUser,
        String dbPassword,
        Path embeddedDbDir,
        int embeddedDbPort,
        int dbPoolSize,
        Duration dbConnectTimeout,
        Duration dbSocketTimeout,
        Duration dbRetryBackoff,
        Duration dbRetryMaxBackoff,
        Duration pollTimeout,
        int maxPollRecords,
        int httpPort,
        Map<String, String> consumerOverrides) {

    /** Consumer properties that the exactly-once design owns; a {@code QUONDAM_CONSUMER_*} may not change them. */
    static final Set<String> FIXED_CONSUMER_PROPERTIES = Set.of("bootstrap.servers", "group.id", "isolation.level",
            "enable.auto.commit", "key.deserializer", "value.deserializer", "max.poll.records");

    public boolean embeddedDb() {
        return dbUrl.isEmpty();
    }

    /** Reads and validates; throws {@link io.quondam.config.ConfigException} naming every problem. */
    public static LedgerConfig from(Settings settings) {
        var config = new LedgerConfig(
                String.join(",", settings.addresses("QUONDAM_BOOTSTRAP_SERVERS", "127.0.0.1:19092")),
                settings.topic("QUONDAM_LEDGER_TOPIC", "payments.dedup"),
                settings.nonEmpty("QUONDAM_LEDGER_GROUP", "quondam-ledger"),
                settings.string("QUONDAM_DB_URL", ""),
                settings.nonEmpty("QUONDAM_DB_USER", "postgres"),
                settings.string("QUONDAM_DB_PASSWORD", ""),
                settings.path("QUONDAM_DB_EMBEDDED_DIR", System.getProperty("java.io.tmpdir") + "/quondam-ledger-db"),
                settings.integer("QUONDAM_DB_EMBEDDED_PORT", 15432, 0, 65535),
                settings.integer("QUONDAM_DB_POOL_SIZE", 4, 2, 64),
                settings.duration("QUONDAM_DB_CONNECT_TIMEOUT", "5s", Duration.ofMillis(250), Duration.ofMinutes(1)),
                settings.duration("QUONDAM_DB_SOCKET_TIMEOUT", "30s", Duration.ofSeconds(1), Duration.ofMinutes(10)),
                settings.duration("QUONDAM_DB_RETRY_BACKOFF", "250ms", Duration.ofMillis(10), Duration.ofMinutes(1)),
                settings.duration("QUONDAM_DB_RETRY_MAX_BACKOFF", "5s", Duration.ofMillis(10), Duration.ofMinutes(10)),
                settings.duration("QUONDAM_POLL_TIMEOUT", "500ms", Duration.ofMillis(10), Duration.ofSeconds(30)),
                settings.integer("QUONDAM_MAX_POLL_RECORDS", 500, 1, 10_000),
                settings.integer("QUONDAM_HTTP_PORT", 8082, 0, 65535),
                Map.copyOf(settings.passThrough("QUONDAM_CONSUMER_")));
        if (!config.embeddedDb() && !config.dbUrl().startsWith("jdbc:postgresql:")) {
            settings.problem("QUONDAM_DB_URL=" + config.dbUrl() + " is not a PostgreSQL JDBC URL"
                    + " (example: jdbc:postgresql://127.0.0.1:5432/ledger); leave it empty for the embedded database");
        }
        if (config.dbRetryMaxBackoff().compareTo(config.dbRetryBackoff()) < 0) {
            settings.problem("QUONDAM_DB_RETRY_MAX_BACKOFF (" + config.dbRetryMaxBackoff()
                    + ") must not be shorter than QUONDAM_DB_RETRY_BACKOFF (" + config.dbRetryBackoff() + ")");
        }
        settings.refuseFixed("QUONDAM_CONSUMER_", config.consumerOverrides(), FIXED_CONSUMER_PROPERTIES,
                "the ledger's exactly-once design or set by its own variable");
        settings.validate();
        return config;
    }

    /** The password stays out of logs and toString. */
    @Override
    public String toString() {
        return "LedgerConfig[bootstrap=" + bootstrapServers + ", topic=" + topic + ", group=" + groupId + ", db="
                + (embeddedDb() ? "embedded:" + embeddedDbDir : dbUrl) + ", user=" + dbUser + ", httpPort=" + httpPort
                + "]";
    }
}
