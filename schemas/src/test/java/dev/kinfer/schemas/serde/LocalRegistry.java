package dev.kinfer.schemas.serde;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The real schema registry the build makes (module schema-registry), started as a process for tests. */
final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRegistry start() throws Exception {
        Path home = Path.of(System.getProperty("kinfer.home", "..")).toAbsolutePath();
        Path target = home.resolve("schema-registry").resolve("target");
        Path jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> f.toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("registry", ".log");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalRegistry registry = new LocalRegistry(process, port);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        HttpClient http = HttpClient.newHttpClient();
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + "/subjects")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return registry;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        registry.close();
        throw new IllegalStateException("registry did not start; log " + log + ":\n" + Files.readString(log));
    }

    String confluentUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    String apicurioUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
