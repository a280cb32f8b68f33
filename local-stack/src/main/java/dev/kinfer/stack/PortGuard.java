package dev.kinfer.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Checks every port before anything starts, so a taken port is one clear message instead of a stack trace. */
final class PortGuard {
    private static final Random RANDOM = new Random();

    private PortGuard() {
    }

    static void requireFree(StackConfig.Ports ports) {
        Map<String, Integer> named = new LinkedHashMap<>();
        named.put("HTTP API (--port)", ports.http());
        named.put("result-sink (--sink-port)", ports.sink());
        named.put("Kafka (--kafka-port)", ports.kafka());
        named.put("Kafka controller (--controller-port)", ports.controller());
        named.put("S3 (--s3-port)", ports.s3());
        named.put("schema registry (--registry-port)", ports.registry());
        named.put("worker health (--worker-port)", ports.worker());
        List<String> taken = new ArrayList<>();
        named.forEach((what, port) -> {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                taken.add("port " + port + " for the " + what + " is already in use");
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException(String.join("\n", taken)
                    + "\nStop whatever holds it (is another kinfer running?) or pick another port with the flag named.");
        }
    }

    /**
     * A port nothing listens on right now, for tests that run beside other stacks. Taken below Linux's
     * ephemeral range (32768+), so that the stack's own outgoing connections cannot grab it before its
     * service binds it.
     */
    static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
