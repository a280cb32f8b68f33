package dev.kinfer.stack;

import dev.kinfer.schemas.KafkaConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A service of the stack running as its own JVM, its output in a log file. It is ready when its health URL
 * answers 200; it stops with SIGTERM (its own shutdown hooks run), then SIGKILL after a grace period. It can be
 * launched again with the same command after it ended by itself ({@link Supervisor} does), never after
 * {@link #close()}.
 */
final class ChildProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final ProcessBuilder command;
    private final Path log;
    private volatile Process process;
    private volatile Instant startedAt;
    private boolean closed; // guarded by this: a relaunch must not race a close

    private ChildProcess(String name, ProcessBuilder command, Path log) throws IOException {
        this.name = name;
        this.command = command;
        this.log = log;
        this.process = command.start();
        this.startedAt = Instant.now();
    }

    /** Starts {@code java jvmArgs... mainArgs...} with the given extra environment. */
    static ChildProcess start(String name, List<String> jvmArgs, List<String> mainArgs, Map<String, String> env, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmArgs);
        command.addAll(mainArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The stack's services use the stack's own broker and registry: connection settings this JVM inherited (for
        // some other cluster) must not reach them; whatever they need is in env.
        builder.environment().keySet().removeIf(variable -> variable.startsWith(KafkaConnection.PROPERTY_PREFIX)
                || variable.startsWith("KINFER_REGISTRY_"));
        builder.environment().putAll(env);
        builder.environment().put("KINFER_SERVICE", name);
        return new ChildProcess(name, builder, log);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** The current run's process id: a new one after each relaunch. */
    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Completes when the current run ends. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** The current run's exit code; only once it has ended. */
    int exitValue() {
        return process.exitValue();
    }

    /** Whether {@link #close()} was called: it was stopped on purpose and is not to be relaunched. */
    synchronized boolean closed() {
        return closed;
    }

    /** Starts the same command again (its output appended to the same log); false if it has been closed. */
    synchronized boolean relaunch() throws IOException {
        if (closed) {
            return false;
        }
        process = command.start();
        startedAt = Instant.now();
        return true;
    }

    /** Waits until {@code healthUrl} answers 200, failing early (with the log's tail) if the process dies. */
    void awaitReady(String healthUrl, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String lastAnswer = "no answer";
        while (Instant.now().isBefore(deadline)) {
            Process current = process;
            if (!current.isAlive()) {
                throw new IllegalStateException(name + " exited with " + current.exitValue() + " while starting:\n" + tail());
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(healthUrl))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body().trim();
            } catch (IOException e) {
                lastAnswer = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + " (" + lastAnswer + "); log " + log + ":\n" + tail());
    }

    String tail() throws IOException {
        return tail(30);
    }

    /** The last {@code count} lines of its log. */
    String tail(int count) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /** Waits for the process to end by itself; false if it is still running after {@code timeout}. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL: the process gets no chance to clean up (a crash, as far as Kafka can tell), and a supervised one is
     * restarted like after any crash.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops it for good: SIGTERM, then SIGKILL after the grace period; it is not relaunched after this. */
    @Override
    public void close() {
        Process process;
        synchronized (this) {
            closed = true;
            process = this.process;
        }
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
