package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    private final BrokerProperties single =
            new BrokerProperties(1, List.of(19092), List.of(19093), Path.of("/stack/kafka/data"));
    private final BrokerProperties secondOfThree = new BrokerProperties(2, List.of(19092, 19094, 19096),
            List.of(19093, 19095, 19097), Path.of("/stack/kafka-2/data"));

    @Test
    void shouldRunBrokerAndControllerInOneNodeOnLoopback() {
        assertThat(single.asMap())
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", "/stack/kafka/data")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void shouldGiveEveryTopicASingleReplicaOnOneNode() {
        assertThat(single.asMap())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1");
    }

    @Test
    void shouldListEveryControllerAndListenOnItsOwnPortsInACluster() {
        assertThat(secondOfThree.asMap())
                .containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19094");
    }

    @Test
    void shouldReplicateEveryTopicThreeTimesAndWriteToTwoInACluster() {
        assertThat(secondOfThree.asMap())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2");
        assertThat(BrokerProperties.replicationFactor(5)).isEqualTo(3);
    }

    @Test
    void shouldRenderOnePropertyPerLine() {
        assertThat(single.render().lines()).contains("node.id=1", "group.initial.rebalance.delay.ms=0");
    }
}
