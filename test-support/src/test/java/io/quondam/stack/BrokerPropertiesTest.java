package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    private final BrokerProperties properties = new BrokerProperties(19092, 19093, Path.of("/stack/kafka/data"));

    @Test
    void shouldRunBrokerAndControllerInOneNodeOnLoopback() {
        assertThat(properties.asMap())
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", "/stack/kafka/data")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void shouldGiveEveryInternalTopicASingleReplica() {
        assertThat(properties.asMap())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1");
    }

    @Test
    void shouldRenderOnePropertyPerLine() {
        assertThat(properties.render().lines()).contains("node.id=1", "group.initial.rebalance.delay.ms=0");
    }
}
