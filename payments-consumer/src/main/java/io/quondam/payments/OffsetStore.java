package io.quondam.payments;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/** Reads the next offsets that the ledger has committed per partition: where the consumer resumes. */
public final class OffsetStore {

    private final DataSource dataSource;

    public OffsetStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored next offset of each of {@code partitions} that has one; partitions never booked are absent. */
    public Map<TopicPartition, Long> load(Collection<TopicPartition> partitions) throws SQLException {
        var stored = new HashMap<TopicPartition, Long>();
        if (partitions.isEmpty()) {
            return stored;
        }
        try (Connection connection = dataSource.getConnection();
             var select = connection.prepareStatement(
                     "SELECT next_offset FROM consumer_offsets WHERE topic = ? AND partition = ?")) {
            for (TopicPartition partition : partitions) {
                select.setString(1, partition.topic());
                select.setInt(2, partition.partition());
                try (var rows = select.executeQuery()) {
                    if (rows.next()) {
                        stored.put(partition, rows.getLong(1));
                    }
                }
            }
        }
        return stored;
    }
}
