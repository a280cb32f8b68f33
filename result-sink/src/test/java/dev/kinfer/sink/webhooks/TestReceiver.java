package dev.kinfer.sink.webhooks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A webhook receiver on 127.0.0.1 that records every request it gets and answers as each test tells it. */
final class TestReceiver implements AutoCloseable {
    record Received(String method, String path, Headers headers, byte[] body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Records requests to {@code path}, then lets {@code handler} answer them. */
    TestReceiver on(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body));
            try (exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static HttpHandler answer(int status, Map<String, String> headers, String body) {
        return exchange -> {
            headers.forEach(exchange.getResponseHeaders()::set);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** Answers 200 after {@code millis}: a receiver too slow to answer. */
    static HttpHandler answerAfter(long millis) {
        return exchange -> {
            sleep(millis);
            answer(200, Map.of(), "late").handle(exchange);
        };
    }

    /** Sends the headers and the start of a body, then stalls for {@code millis}. */
    static HttpHandler stallBodyFor(long millis) {
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("partial".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            sleep(millis);
        };
    }

    /** Streams {@code bytes} of body, and tells how many it wrote when done or when the client hung up. */
    static HttpHandler streaming(long bytes, CompletableFuture<Long> written) {
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            long sent = 0;
            try {
                OutputStream out = exchange.getResponseBody();
                for (; sent < bytes; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException hungUp) {
                // the client has read what it wanted
            } finally {
                written.complete(sent);
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
