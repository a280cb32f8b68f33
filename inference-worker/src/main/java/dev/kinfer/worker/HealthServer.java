package dev.kinfer.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /metrics} for orchestrators and Prometheus. The worker is ready only once its model is
 * loaded and warmed up; until then, or if loading failed, {@code ready} answers 503 with the reason. {@code live}
 * answers 503 with the reason when the worker's threads stopped making progress ({@link Liveness}).
 */
final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<String> notReadyBecause = new AtomicReference<>("loading the model");
    private final AtomicReference<Supplier<String>> metrics = new AtomicReference<>(() -> "");
    private final AtomicReference<Supplier<String>> notLiveBecause = new AtomicReference<>(() -> null);

    HealthServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/health/live", exchange -> {
            String problem = notLiveBecause.get().get();
            respond(exchange, problem == null ? 200 : 503, problem == null ? "live" : "not live: " + problem);
        });
        server.createContext("/health/ready", exchange -> {
            String reason = notReadyBecause.get();
            respond(exchange, reason == null ? 200 : 503, reason == null ? "ready" : "not ready: " + reason);
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200, metrics.get().get()));
        server.start();
    }

    /** Serves {@code scrape}'s Prometheus text at /metrics. */
    void metrics(Supplier<String> scrape) {
        metrics.set(scrape);
    }

    /** Answers /health/live from {@code problem}: null while live, else why not. */
    void liveness(Supplier<String> problem) {
        notLiveBecause.set(problem);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void ready() {
        notReadyBecause.set(null);
    }

    void notReady(String reason) {
        notReadyBecause.set(reason);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
