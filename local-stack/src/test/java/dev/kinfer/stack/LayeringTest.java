package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Services meet only through topics, records and the object store: none imports another, and the shared
 * modules import no service.
 */
class LayeringTest {
    private static final Map<String, String> MODULE_PACKAGES = Map.ofEntries(
            Map.entry("schemas", "dev.kinfer.schemas"),
            Map.entry("object-store", "dev.kinfer.store"),
            Map.entry("catalog", "dev.kinfer.catalog"),
            Map.entry("credentials", "dev.kinfer.credentials"),
            Map.entry("imaging", "dev.kinfer.imaging"),
            Map.entry("jobs", "dev.kinfer.jobs"),
            Map.entry("client", "dev.kinfer.client"),
            Map.entry("ingest-api", "dev.kinfer.ingest"),
            Map.entry("inference-worker", "dev.kinfer.worker"),
            Map.entry("result-sink", "dev.kinfer.sink"),
            Map.entry("local-stack", "dev.kinfer.stack"));
    /** The client library is for Kafka users and the CLI's benches and replays, never for a service. */
    private static final Map<String, List<String>> ALSO = Map.of("local-stack", List.of("dev.kinfer.client"));
    private static final List<String> SHARED = List.of("dev.kinfer.schemas", "dev.kinfer.store", "dev.kinfer.catalog", "dev.kinfer.credentials",
            "dev.kinfer.imaging", "dev.kinfer.jobs");

    @Test
    void shouldKeepEveryModuleToItsOwnPackagesAndTheSharedOnes() throws IOException {
        Path home = Path.of(System.getProperty("kinfer.home", "..")).toAbsolutePath();
        for (var module : MODULE_PACKAGES.entrySet()) {
            Path sources = home.resolve(module.getKey()).resolve("src/main/java");
            List<String> allowed = Stream.of(Stream.of(module.getValue()), SHARED.stream(),
                            ALSO.getOrDefault(module.getKey(), List.of()).stream()).flatMap(s -> s)
                    .filter(p -> !module.getKey().equals("schemas") || p.equals("dev.kinfer.schemas"))
                    .toList();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("import dev.kinfer.") || line.startsWith("import static dev.kinfer.")) {
                            String imported = line.replace("import static ", "").replace("import ", "");
                            assertThat(allowed).as(file + " imports " + imported)
                                    .anyMatch(imported::startsWith);
                        }
                    }
                }
            }
        }
    }
}
