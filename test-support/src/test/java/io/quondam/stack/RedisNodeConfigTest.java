package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RedisNodeConfigTest {

    private static final Path DIR = Path.of("/stack/redis-16380");

    @Test
    void shouldRenderMasterWithAuthNoPersistenceAndMinReplicas() {
        String conf = RedisNodeConfig.master(16379, DIR, "secret").render();

        assertThat(conf.lines()).contains(
                "bind 127.0.0.1", "port 16379", "requirepass secret", "masterauth secret", "save \"\"",
                "appendonly no", "min-replicas-to-write 1", "min-replicas-max-lag 5", "repl-diskless-sync yes",
                "repl-diskless-sync-delay 0", "logfile \"\"", "dir /stack/redis-16380");
        assertThat(conf).doesNotContain("replicaof");
    }

    @Test
    void shouldRenderReplicaOfTheMaster() {
        String conf = RedisNodeConfig.replica(16380, DIR, "secret", 16379).render();

        assertThat(conf.lines()).contains("port 16380", "replicaof 127.0.0.1 16379", "min-replicas-to-write 1");
    }
}
