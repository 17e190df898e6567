package io.quondam.payments.it;

import io.quondam.stack.PostgresNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one test's ledger database directly, and its consumer's HTTP port; the test's view of the outcome. */
final class Ledger {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final PostgresNode postgres;
    private final String jdbcUrl;

    Ledger(PostgresNode postgres, String jdbcUrl) {
        this.postgres = postgres;
        this.jdbcUrl = jdbcUrl;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** Rows in {@code payments}, or -1 while the database or the schema is not there. */
    long paymentsOrMinusOne() {
        try {
            return count("SELECT count(*) FROM payments");
        } catch (SQLException e) {
            return -1;
        }
    }

    long count(String query) throws SQLException {
        try (Connection connection = postgres.connect(jdbcUrl); var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    List<String> strings(String query) throws SQLException {
        var values = new ArrayList<String>();
        try (Connection connection = postgres.connect(jdbcUrl); var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** Stored next offset per partition number. */
    Map<Integer, Long> storedOffsets() throws SQLException {
        return offsetsBy("SELECT partition, next_offset FROM consumer_offsets");
    }

    /** One past the highest offset booked, leaked or quarantined, per partition number. */
    Map<Integer, Long> endOfWrittenRecords() throws SQLException {
        return offsetsBy("SELECT source_partition, max(source_offset) + 1 FROM (SELECT source_partition,"
                + " source_offset FROM payments UNION ALL SELECT source_partition, source_offset FROM quarantine"
                + " UNION ALL SELECT source_partition, source_offset FROM leaked_duplicates) AS written"
                + " GROUP BY source_partition");
    }

    private Map<Integer, Long> offsetsBy(String query) throws SQLException {
        var offsets = new HashMap<Integer, Long>();
        try (Connection connection = postgres.connect(jdbcUrl); var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            while (rows.next()) {
                offsets.put(rows.getInt(1), rows.getLong(2));
            }
        }
        return offsets;
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP status of {@code path}, or -1 while nothing answers. */
    static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
