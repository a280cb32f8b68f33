package dev.kinfer.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ./kinfer}: the command-line entry point. */
@Command(name = "kinfer", mixinStandardHelpOptions = true, subcommands = {KinferCli.Up.class, ModelsCommand.class, KeysCommand.class, KinferCli.BenchCommand.class,
        ReplayCommand.class},
        description = "Streaming image inference on Kafka.")
public final class KinferCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new KinferCli()).execute(args));
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Measure the pipeline against the raw model loop on this machine and write a markdown table.")
    static final class BenchCommand implements Callable<Integer> {
        @Option(names = "--sizes", split = ",", defaultValue = "256,512", description = "Square image sides (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;
        @Option(names = "--seconds", description = "Seconds of offered load per rate (default: 15; with --http: 20 per row).")
        Double seconds;
        @Option(names = "--out", description = "Where the table goes (default: bench/RESULTS.md; with --http: bench/HTTP-RESULTS.md).")
        Path out;
        @Option(names = "--http", description = "Drive the whole stack over HTTP as clients do, against a hand-written model server "
                + "and the raw model loop, with a ResNet-18 classifier (made with Debian's python3-torch); uses <data-dir>/bench-http.")
        boolean http;
        @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64",
                description = "With --http: clients of the closed-loop rows (default: ${DEFAULT-VALUE}).")
        List<Integer> concurrency;
        @Option(names = "--data-dir", defaultValue = ".kinfer", description = "The bench uses <data-dir>/bench (with --http: <data-dir>/bench-http), wiped first.")
        Path dataDir;
        @Option(names = "--models", split = ",", defaultValue = "FAST_STYLE,STYLIZE_SMALL",
                description = "Models to drive, of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        List<Bench.Model> models;
        @Option(names = "--scaling", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Also scale 1, 2 and 4 workers of the synthetic model (default: ${DEFAULT-VALUE}).")
        boolean scaling;

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(System.getProperty("kinfer.home", ".")).toAbsolutePath().normalize();
            Path data = dataDir.toAbsolutePath().normalize();
            Path benchData = data.resolve(http ? "bench-http" : "bench");
            if (Files.exists(benchData)) {
                try (var paths = Files.walk(benchData)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            StackConfig config = new StackConfig(home, benchData, data.resolve("cache"), new StackConfig.Ports(PortGuard.free(),
                    PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free(), PortGuard.free()));
            String table;
            if (http) {
                try {
                    table = HttpBench.run(config, seconds == null ? 20 : seconds, concurrency);
                } catch (IllegalStateException e) {
                    System.err.println("kinfer: " + e.getMessage());
                    return 1;
                }
            } else {
                table = Bench.run(config, models, sizes, seconds == null ? 15 : seconds, scaling);
            }
            Path target = (out != null ? out : Path.of(http ? "bench/HTTP-RESULTS.md" : "bench/RESULTS.md")).toAbsolutePath();
            Files.createDirectories(target.getParent());
            Files.writeString(target, table);
            System.out.println(table);
            System.out.println("written to " + target);
            return 0;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the whole pipeline on this machine (Kafka, S3, schema registry, ingest-api, a worker, result-sink).")
    static final class Up implements Callable<Integer> {
        @Option(names = "--data-dir", defaultValue = ".kinfer", description = "Where data lives across restarts (default: ${DEFAULT-VALUE}).")
        Path dataDir;
        @Option(names = "--cache-dir", description = "Model packages and native libraries (default: <data-dir>/cache).")
        Path cacheDir;
        @Option(names = "--port", defaultValue = "8080", description = "Public HTTP port (default: ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--sink-port", defaultValue = "8090") int sinkPort;
        @Option(names = "--kafka-port", defaultValue = "9092") int kafkaPort;
        @Option(names = "--controller-port", defaultValue = "9093") int controllerPort;
        @Option(names = "--s3-port", defaultValue = "9000") int s3Port;
        @Option(names = "--registry-port", defaultValue = "8081") int registryPort;
        @Option(names = "--worker-port", defaultValue = "8070") int workerPort;
        @Option(names = "--no-auth", description = "Accept requests without a key (everyone is an admin of tenant 'public'): "
                + "for a laptop only, never where others can reach the port.")
        boolean noAuth;

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(System.getProperty("kinfer.home", ".")).toAbsolutePath().normalize();
            Path data = dataDir.toAbsolutePath().normalize();
            StackConfig config = new StackConfig(home, data, cacheDir == null ? data.resolve("cache") : cacheDir.toAbsolutePath(),
                    new StackConfig.Ports(port, sinkPort, kafkaPort, controllerPort, s3Port, registryPort, workerPort));
            LocalStack stack;
            try {
                stack = LocalStack.start(config, noAuth ? Map.of("KINFER_AUTH", "off") : Map.of());
            } catch (IllegalStateException e) {
                System.err.println("kinfer: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("\nstopping kinfer ...");
                stack.close();
                stopped.countDown();
            }));
            System.out.print(Banner.text(stack, config));
            stopped.await();
            return 0;
        }
    }
}
