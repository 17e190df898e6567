package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void shouldAllocateDistinctFreePorts() {
        List<Integer> ports = FreePorts.allocate(8);

        assertThat(ports).hasSize(8).doesNotHaveDuplicates().allMatch(port -> port > 0);
        FreePorts.requireFree(ports);
    }

    @Test
    void shouldNameThePortInUse() throws IOException {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> FreePorts.requireFree(List.of(taken.getLocalPort())))
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void shouldGiveEphemeralStacksTheirOwnPorts() {
        var options = StackOptions.ephemeral(Path.of("target/stack"));

        assertThat(options.allPorts()).hasSize(8).doesNotHaveDuplicates()
                .doesNotContainAnyElementsOf(StackOptions.defaults(Path.of(".stack")).allPorts());
    }

    @Test
    void shouldGiveEveryKafkaNodeOfAClusterABrokerAndAControllerPortOfItsOwn() {
        var single = StackOptions.ephemeral(Path.of("target/stack"));
        var cluster = single.withKafkaNodes(3);

        assertThat(cluster.kafkaPorts()).hasSize(3).startsWith(single.kafkaPort());
        assertThat(cluster.controllerPorts()).hasSize(3).startsWith(single.controllerPorts().get(0));
        assertThat(cluster.allPorts()).hasSize(12).doesNotHaveDuplicates();
        assertThat(cluster.redisPorts()).isEqualTo(single.redisPorts());
        assertThatThrownBy(() -> single.withKafkaNodes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
