package dev.kinfer.stack;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./kinfer}: the command-line entry point. */
@Command(name = "kinfer", mixinStandardHelpOptions = true, subcommands = KinferCli.Up.class,
        description = "Streaming image inference on Kafka.")
public final class KinferCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new KinferCli()).execute(args));
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

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(System.getProperty("kinfer.home", ".")).toAbsolutePath().normalize();
            Path data = dataDir.toAbsolutePath().normalize();
            StackConfig config = new StackConfig(home, data, cacheDir == null ? data.resolve("cache") : cacheDir.toAbsolutePath(),
                    new StackConfig.Ports(port, sinkPort, kafkaPort, controllerPort, s3Port, registryPort, workerPort));
            LocalStack stack;
            try {
                stack = LocalStack.start(config);
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
