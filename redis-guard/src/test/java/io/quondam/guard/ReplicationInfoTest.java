package io.quondam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicationInfoTest {

    @Test
    void shouldReadAMasterAndItsReplicas() {
        var info = ReplicationInfo.parse("""
                # Replication\r
                role:master\r
                connected_slaves:2\r
                slave0:ip=127.0.0.1,port=6380,state=online,offset=4242,lag=0\r
                slave1:ip=redis-2.redis.q.svc.cluster.local,port=6379,state=wait_bgsave,offset=0,lag=1\r
                master_replid:8d3c6f\r
                master_replid2:0000000000000000000000000000000000000000\r
                master_repl_offset:4300\r
                """);

        assertThat(info.isMaster()).isTrue();
        assertThat(info.replicationId()).isEqualTo("8d3c6f");
        assertThat(info.masterOffset()).isEqualTo(4300);
        assertThat(info.replicas()).containsExactly(
                new ReplicationInfo.Replica("127.0.0.1", 6380, "online", 4242),
                new ReplicationInfo.Replica("redis-2.redis.q.svc.cluster.local", 6379, "wait_bgsave", 0));
        assertThat(info.replicas().get(0).online()).isTrue();
        assertThat(info.replicas().get(1).online()).isFalse();
    }

    @Test
    void shouldReadAReplicaThatIsSyncing() {
        var info = ReplicationInfo.parse("""
                # Replication
                role:slave
                master_host:127.0.0.1
                master_port:6379
                master_link_status:down
                master_sync_in_progress:1
                slave_repl_offset:17
                master_replid:8d3c6f
                """);

        assertThat(info.isMaster()).isFalse();
        assertThat(info.linkUp()).isFalse();
        assertThat(info.syncing()).isTrue();
        assertThat(info.masterHost()).isEqualTo("127.0.0.1");
        assertThat(info.masterPort()).isEqualTo(6379);
        assertThat(info.replicaOffset()).isEqualTo(17);
        assertThat(info.replicas()).isEmpty();
    }
}
