package dev.kinfer.stack;

import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./kinfer bench}: drives real workers on a real broker, S3 and registry with an open-loop load (requests
 * produced on a fixed schedule, whatever the answers do) and compares, in the same run on the same machine,
 * with the model's raw {@code batchPredict} loop. A second part scales 1, 2 and 4 workers of the synthetic model.
 */
final class Bench {
    private static final int MAX_BATCH = 8;

    private final LocalStack stack;
    private final StackConfig config;
    private final SchemaRegistryClient registry;
    private final StringBuilder report = new StringBuilder();

    private Bench(LocalStack stack, StackConfig config) {
        this.stack = stack;
        this.config = config;
        this.registry = new SchemaRegistryClient(stack.registryUrl());
    }

    /** One measured load level. */
    private record Run(String label, double offered, int requests, double throughput, double p50, double p95, double p99,
                       double meanBatch, double overheadP50, String breakdown) {
    }

    static String run(StackConfig config, List<Integer> sizes, double secondsPerRate) throws Exception {
        try (LocalStack stack = LocalStack.startInfrastructure(config)) {
            Bench bench = new Bench(stack, config);
            bench.report.append("# kinfer benchmark\n\n")
                    .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                    .append(System.getProperty("os.name")).append(", Java ").append(Runtime.version()).append(". ")
                    .append("Model: `stylize-small` (three 3x3 convolutions, TorchScript, PyTorch engine on CPU), ")
                    .append("max batch ").append(MAX_BATCH).append(", max delay 10 ms, one worker process. ")
                    .append("Latency is end to end: produced to Kafka until the result is read (read_committed).\n\n");
            Path model = bench.stylizeModel();
            ChildProcess worker = bench.startWorker("bench-1", model, Map.of());
            for (int size : sizes) {
                bench.pipelineVersusRawLoop(model, size, secondsPerRate);
            }
            worker.close();
            bench.scaling();
            return bench.report.toString();
        }
    }

    private void pipelineVersusRawLoop(Path model, int size, double secondsPerRate) throws Exception {
        double raw = rawLoop(model, size);
        ImageRef image = upload(size);
        List<Run> runs = new ArrayList<>();
        runs.add(closedLoop("one at a time", "stylize", image, 30));
        for (double fraction : new double[] {0.5, 0.8, 1.5}) {
            double rate = raw * fraction;
            runs.add(openLoop(String.format(Locale.ROOT, "%.0f %% of raw", fraction * 100), "stylize", image, rate,
                    (int) Math.max(20, rate * secondsPerRate)));
        }
        report.append("## ").append(size).append("x").append(size).append("\n\n")
                .append(String.format(Locale.ROOT, "Raw `batchPredict` loop, best batch size: **%.1f images/s**.%n%n", raw))
                .append("| load | offered req/s | requests | achieved req/s | p50 ms | p95 ms | p99 ms | mean batch | overhead p50 ms | vs raw |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Run run : runs) {
            report.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.0f | %.0f | %.0f | %.2f | %s | %.0f %% |%n",
                    run.label(), run.offered() > 0 ? String.format(Locale.ROOT, "%.1f", run.offered()) : "closed loop",
                    run.requests(), run.throughput(), run.p50(), run.p95(), run.p99(), run.meanBatch(),
                    Double.isNaN(run.overheadP50()) ? "" : String.format(Locale.ROOT, "%.1f", run.overheadP50()),
                    100 * run.throughput() / raw));
        }
        report.append("\nOne at a time, medians: ").append(runs.getFirst().breakdown()).append(".\n\n");
    }

    private void scaling() throws Exception {
        Path model = Files.createDirectories(config.dataDir().resolve("synthetic-model"));
        Files.writeString(model.resolve("manifest.json"), """
                {"name": "synthetic", "version": "1", "task": "synthetic", "engine": "Synthetic", "license": "none",
                 "options": {"batchCostMs": "100", "itemCostMs": "10"}}
                """);
        ImageRef image = upload(64);
        report.append("## Scaling out (synthetic model)\n\n")
                .append("The synthetic model waits 100 ms per batch + 10 ms per item and uses no CPU: it stands in for a GPU, ")
                .append("whose cost does not grow with this machine's cores. Ideal throughput per worker: ")
                .append(MAX_BATCH * 1000 / (100 + 10 * MAX_BATCH)).append(" req/s (batches of ").append(MAX_BATCH)
                .append("). Saturating load: 1,500 requests produced at once.\n\n")
                .append("| workers | achieved req/s | scaling efficiency | p50 ms | p99 ms | mean batch |\n")
                .append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double single = 0;
        List<ChildProcess> workers = new ArrayList<>();
        for (int count : new int[] {1, 2, 4}) {
            while (workers.size() < count) {
                workers.add(startWorker("scale-" + (workers.size() + 1), model, Map.of("KINFER_PARTITIONS", "8")));
            }
            Thread.sleep(3000); // let the group settle after members joined
            Run run = openLoop("saturated", "synthetic", image, 0, 1500);
            single = count == 1 ? run.throughput() : single;
            report.append(String.format(Locale.ROOT, "| %d | %.1f | %.0f %% | %.0f | %.0f | %.2f |%n", count, run.throughput(),
                    100 * run.throughput() / (count * single), run.p50(), run.p99(), run.meanBatch()));
        }
        workers.forEach(ChildProcess::close);
        report.append('\n');
    }

    private ChildProcess startWorker(String id, Path model, Map<String, String> settings) throws Exception {
        int port = PortGuard.free();
        Map<String, String> all = new HashMap<>(Map.of("KINFER_MAX_BATCH_SIZE", Integer.toString(MAX_BATCH)));
        all.putAll(settings);
        ChildProcess worker = stack.startWorker(id, model, port, all);
        worker.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofMinutes(3));
        return worker;
    }

    private Path stylizeModel() throws IOException {
        Path model = Files.createDirectories(config.dataDir().resolve("stylize-model"));
        Files.copy(config.home().resolve("inference-worker/src/test/resources/models/stylize-small.pt"), model.resolve("stylize-small.pt"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(model.resolve("manifest.json"), """
                {"name": "stylize", "version": "small", "task": "stylize", "engine": "PyTorch", "artifact": "stylize-small.pt",
                 "license": "test model made by tools/make-test-models.py"}
                """);
        return model;
    }

    /** Best images/s of the raw loop over batch sizes 1..MAX_BATCH (powers of two), in a worker-classpath JVM. */
    private double rawLoop(Path model, int size) throws Exception {
        List<String> args = new ArrayList<>(List.of(model.toString(), Integer.toString(size), Integer.toString(size), "3"));
        for (int batch = 1; batch <= MAX_BATCH; batch *= 2) {
            args.add(Integer.toString(batch));
        }
        ChildProcess loop = stack.startWorkerTool("raw-loop-" + size, "dev.kinfer.worker.RawModelLoop", args);
        if (!loop.waitFor(Duration.ofMinutes(5))) {
            throw new IllegalStateException("raw loop did not finish:\n" + loop.tail());
        }
        double best = 0;
        for (String line : Files.readAllLines(loop.log())) {
            if (line.startsWith("raw batch=")) {
                best = Math.max(best, Double.parseDouble(line.replaceAll(".*images_per_second=([0-9.]+).*", "$1")));
            }
        }
        if (best == 0) {
            throw new IllegalStateException("raw loop printed no figures:\n" + loop.tail());
        }
        return best;
    }

    private Run closedLoop(String label, String model, ImageRef image, int count) throws Exception {
        try (Load load = new Load(model)) {
            for (int i = 0; i < count; i++) {
                load.send(image);
                load.awaitAll(Duration.ofMinutes(1));
            }
            return load.summary(label, 0);
        }
    }

    /** {@code rate} 0: everything at once (saturation). */
    private Run openLoop(String label, String model, ImageRef image, double rate, int count) throws Exception {
        try (Load load = new Load(model)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        load.collect(Duration.ofMillis(1));
                    }
                }
                load.send(image);
            }
            load.awaitAll(Duration.ofMinutes(10));
            return load.summary(label, rate);
        }
    }

    private ImageRef upload(int side) throws Exception {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] bytes = out.toByteArray();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        s3.putObject(PutObjectArgs.builder().bucket("kinfer").object("images/" + sha)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("image/png").build());
        return new ImageRef("s3://kinfer/images/" + sha, sha, "image/png", side, side, (long) bytes.length);
    }

    /** Produces requests and reads their results, timing each from send to receipt on this JVM's clock. */
    private final class Load implements AutoCloseable {
        private final String model;
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final AvroSerializer<InferenceRequest> writer = new AvroSerializer<>(registry);
        private final AvroDeserializer<InferenceResult> reader = new AvroDeserializer<>(registry, InferenceResult.class);
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        // per result: latency ms, batch size, inference ms, queued ms, fetch ms, completed-to-received ms
        private final List<double[]> done = new ArrayList<>();
        private long firstSent;
        private long lastReceived;

        Load(String model) {
            this.model = model;
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor("kinfer.results").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, before any request is sent
        }

        void send(ImageRef image) {
            String id = UUID.randomUUID().toString();
            String topic = "kinfer.requests." + model;
            InferenceRequest request = InferenceRequest.newBuilder().setRequestId(id).setTenant("bench").setModel(model)
                    .setInputs(List.of(image)).setSubmittedAt(Instant.now()).setCacheKey(id).build();
            long now = System.nanoTime();
            if (sentAt.isEmpty() && done.isEmpty()) {
                firstSent = now;
            }
            sentAt.put(id, now);
            producer.send(new ProducerRecord<>(topic, id, writer.serialize(topic, request)));
        }

        void collect(Duration timeout) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
                Long sent = sentAt.remove(record.key());
                if (sent != null) {
                    lastReceived = System.nanoTime();
                    InferenceResult result = reader.deserialize(record.topic(), record.value());
                    done.add(new double[] {(lastReceived - sent) / 1e6, result.getTimings().getBatchSize(),
                            result.getTimings().getInferenceMs(), result.getTimings().getQueuedMs(), result.getTimings().getFetchMs(),
                            Duration.between(result.getCompletedAt(), Instant.now()).toMillis()});
                }
            }
        }

        void awaitAll(Duration timeout) {
            producer.flush();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
                collect(Duration.ofMillis(5));
            }
            if (!sentAt.isEmpty()) {
                throw new IllegalStateException(sentAt.size() + " results missing after " + timeout);
            }
        }

        Run summary(String label, double offered) {
            double[] latencies = done.stream().mapToDouble(d -> d[0]).sorted().toArray();
            double[] overheads = done.stream().mapToDouble(d -> d[0] - d[2]).sorted().toArray();
            double seconds = (lastReceived - firstSent) / 1e9;
            double meanBatch = done.stream().mapToDouble(d -> d[1]).average().orElse(0);
            String breakdown = String.format(Locale.ROOT, "end to end %.0f ms = queued until its batch started (incl. the max "
                            + "delay) %.0f ms + awaiting inputs %.0f ms + model %.0f ms + output encode and store %.0f ms + transaction "
                            + "commit and delivery to the client %.0f ms", median(0), median(3), median(4), median(2),
                    median(0) - median(3) - median(4) - median(2) - median(5), median(5));
            return new Run(label, offered, done.size(), done.size() / seconds, percentile(latencies, 50), percentile(latencies, 95),
                    percentile(latencies, 99), meanBatch, offered == 0 && label.startsWith("one") ? percentile(overheads, 50) : Double.NaN,
                    breakdown);
        }

        private double median(int field) {
            return percentile(done.stream().mapToDouble(d -> d[field]).sorted().toArray(), 50);
        }

        @Override
        public void close() {
            producer.close();
            consumer.close();
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
