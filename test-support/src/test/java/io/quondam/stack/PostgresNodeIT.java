package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresNodeIT {

    private PostgresNode postgres;

    @BeforeEach
    void startPostgres() {
        postgres = PostgresNode.start(Path.of("target", "it-postgres"), FreePorts.allocate(1).get(0));
    }

    @AfterEach
    void stopPostgres() {
        if (postgres != null) {
            postgres.kill9();
        }
    }

    @Test
    void shouldKeepCommittedRowsAcrossKillNineAndRestart() throws Exception {
        String url = postgres.createDatabase("kill_test");
        try (Connection connection = postgres.connect(url); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (n INT)");
            statement.execute("INSERT INTO t VALUES (1), (2), (3)");
        }
        long firstPid = postgres.pid();

        postgres.kill9();
        assertThat(postgres.isAlive()).isFalse();
        postgres.restart();

        assertThat(postgres.pid()).isNotEqualTo(firstPid);
        try (Connection connection = postgres.connect(url); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM t")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseConnectionsAfterStopAndServeAgainAfterRestart() throws Exception {
        postgres.stop();

        assertThat(canConnect()).isFalse();
        postgres.restart();
        assertThat(canConnect()).isTrue();
    }

    @Test
    void shouldRunAsItsOwnProcessListedInThePidFile() {
        var attached = ChildProcess.attach("postgres", Path.of("target", "it-postgres", "pids", "postgres.pid"),
                Path.of("target", "it-postgres", "logs", "postgres.log"));

        assertThat(attached).map(ChildProcess::pid).contains(postgres.pid());
    }

    private boolean canConnect() {
        try (Connection connection = postgres.connect(postgres.jdbcUrl())) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
