package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

class ClusterSlotsTest {

    private static List<Object> range(long from, long to, String host, long port) {
        return List.of(from, to, List.of(host.getBytes(StandardCharsets.UTF_8), port, "id".getBytes()));
    }

    @Test
    void shouldNameEachSlotsMasterAndEachMastersLowestSlot() {
        // A master may serve several ranges (after a resharding); one slot here is served by nobody.
        var slots = ClusterSlots.parse(List.of(range(0, 5460, "10.0.0.1", 6379), range(5461, 10922, "10.0.0.2", 6379),
                range(10923, 16382, "10.0.0.3", 6379), range(16383, 16383, "10.0.0.1", 6379)));

        assertThat(slots.masterOf(0)).isEqualTo(new HostAndPort("10.0.0.1", 6379));
        assertThat(slots.masterOf(16383)).isEqualTo(new HostAndPort("10.0.0.1", 6379));
        assertThat(slots.anchorOf(16383)).isZero();
        assertThat(slots.anchorOf(7000)).isEqualTo(5461);
        assertThat(slots.anchorOf(5460)).isZero();
        assertThat(slots.anchorOf(5461)).isEqualTo(5461);
        assertThat(slots.anchorOf(16382)).isEqualTo(10923);
    }

    @Test
    void shouldSayWhenNoMasterServesASlot() {
        var slots = ClusterSlots.parse(List.of(range(0, 100, "10.0.0.1", 6379)));

        assertThatThrownBy(() -> slots.masterOf(101)).isInstanceOf(JedisConnectionException.class)
                .hasMessageContaining("slot 101");
        assertThat(slots.anchorOf(101)).isEqualTo(101);
    }

    @Test
    void shouldHashKeysAsRedisClusterDoes() {
        // CLUSTER KEYSLOT of these, from the Redis Cluster specification's example and a hash-tagged key.
        assertThat(ClusterSlots.slotOf("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(12739);
        assertThat(ClusterSlots.slotOf("{user1000}.following".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(ClusterSlots.slotOf("user1000".getBytes(StandardCharsets.US_ASCII)));
    }
}
