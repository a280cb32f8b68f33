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
    private static final Map<String, String> MODULE_PACKAGES = Map.of(
            "schemas", "dev.kinfer.schemas",
            "object-store", "dev.kinfer.store",
            "catalog", "dev.kinfer.catalog",
            "credentials", "dev.kinfer.credentials",
            "imaging", "dev.kinfer.imaging",
            "jobs", "dev.kinfer.jobs",
            "ingest-api", "dev.kinfer.ingest",
            "inference-worker", "dev.kinfer.worker",
            "result-sink", "dev.kinfer.sink",
            "local-stack", "dev.kinfer.stack");
    private static final List<String> SHARED = List.of("dev.kinfer.schemas", "dev.kinfer.store", "dev.kinfer.catalog", "dev.kinfer.credentials",
            "dev.kinfer.imaging", "dev.kinfer.jobs");

    @Test
    void shouldKeepEveryModuleToItsOwnPackagesAndTheSharedOnes() throws IOException {
        Path home = Path.of(System.getProperty("kinfer.home", "..")).toAbsolutePath();
        for (var module : MODULE_PACKAGES.entrySet()) {
            Path sources = home.resolve(module.getKey()).resolve("src/main/java");
            List<String> allowed = Stream.concat(Stream.of(module.getValue()), SHARED.stream())
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
