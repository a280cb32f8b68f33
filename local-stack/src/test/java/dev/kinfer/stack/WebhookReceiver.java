package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on this machine for the end-to-end tests: records every delivery it is sent (headers, body,
 * when) and answers as its {@link Behaviour} says, on one virtual thread per request so that concurrent deliveries
 * overlap as they would at a real receiver.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the receiver answers the {@code attempt}-th delivery it sees with one {@code webhook-id} (from 1). */
    @FunctionalInterface
    interface Behaviour {
        int answer(Delivery delivery, int attempt) throws InterruptedException;
    }

    record Delivery(Instant at, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        String id() {
            return header("webhook-id");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String jobId() {
            return json().path("data").path("jobId").asText();
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private final AtomicInteger underWay = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    private WebhookReceiver(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            int now = underWay.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            int status = 500;
            try {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
                Delivery delivery = new Delivery(Instant.now(), headers, exchange.getRequestBody().readAllBytes());
                deliveries.add(delivery);
                int attempt = attemptsById.computeIfAbsent(String.valueOf(delivery.id()), id -> new AtomicInteger()).incrementAndGet();
                status = behaviour.answer(delivery, attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // Before answering: once the answer is out, the sender may start its next request at once.
                underWay.decrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    static WebhookReceiver start(Behaviour behaviour) throws IOException {
        return new WebhookReceiver(behaviour);
    }

    /** A receiver that takes every delivery. */
    static WebhookReceiver accepting() throws IOException {
        return start((delivery, attempt) -> 204);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    List<Delivery> forJob(String jobId) {
        return deliveries.stream().filter(d -> jobId.equals(d.jobId())).toList();
    }

    /** The most requests that were being answered at the same moment. */
    int mostAtOnce() {
        return mostAtOnce.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
