package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortGuardTest {
    @Test
    void shouldNameATakenPortAndTheFlagThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StackConfig.Ports ports = new StackConfig.Ports(PortGuard.free(), PortGuard.free(), taken.getLocalPort(),
                    PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free());

            assertThatThrownBy(() -> PortGuard.requireFree(ports))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " for the Kafka (--kafka-port) is already in use");
        }
    }

    @Test
    void shouldPassWhenEveryPortIsFree() {
        StackConfig.Ports ports = new StackConfig.Ports(PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free(),
                PortGuard.free(), PortGuard.free(), PortGuard.free());

        assertThatCode(() -> PortGuard.requireFree(ports)).doesNotThrowAnyException();
    }
}
