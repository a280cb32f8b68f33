package dev.kinfer.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stack as the integration tests start one: this checkout's build, a fresh data directory under
 * {@code local-stack/target}, free ports, and the model cache that {@code ./kinfer up} shares.
 */
final class TestStacks {
    private TestStacks() {
    }

    static Path home() {
        return Path.of(System.getProperty("kinfer.home", "..")).toAbsolutePath().normalize();
    }

    static StackConfig fresh(String name) throws IOException {
        Path home = home();
        Path data = Files.createTempDirectory(home.resolve("local-stack").resolve("target"), name);
        StackConfig.Ports ports = new StackConfig.Ports(PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free(),
                PortGuard.free(), PortGuard.free(), PortGuard.free());
        return new StackConfig(home, data, home.resolve(".kinfer").resolve("cache"), ports);
    }

    /** A model directory for the synthetic model (a fixed wait per batch and per item, no CPU) in the stack's data. */
    static Path syntheticModel(StackConfig config, int batchCostMs, int itemCostMs) throws IOException {
        Path dir = Files.createDirectories(config.dataDir().resolve("synthetic-model"));
        Files.writeString(dir.resolve("manifest.json"), """
                {"name": "synthetic", "version": "1", "task": "synthetic", "engine": "Synthetic", "license": "none",
                 "options": {"batchCostMs": "%d", "itemCostMs": "%d"}}
                """.formatted(batchCostMs, itemCostMs));
        return dir;
    }
}
