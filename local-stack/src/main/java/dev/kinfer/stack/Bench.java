package dev.kinfer.stack;

import dev.kinfer.client.KinferClient;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.store.ObjectStore;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * {@code ./kinfer bench}: drives real workers on a real broker, S3 and registry with an open-loop load (requests
 * produced on a fixed schedule, whatever the answers do) and compares, in the same run on the same machine,
 * with the model's raw {@code batchPredict} loop. A second part scales 1, 2 and 4 workers of the synthetic model.
 */
final class Bench {
    private static final int MAX_BATCH = 8;

    private final LocalStack stack;
    private final StackConfig config;
    /** The bench's Kafka-native client, for the whole run: it reads kinfer.results from where the run started. */
    private final KinferClient client;
    private final StringBuilder report = new StringBuilder();

    private Bench(LocalStack stack, StackConfig config, KinferClient client) {
        this.stack = stack;
        this.config = config;
        this.client = client;
    }

    /** A TorchScript image-to-image model the bench can drive, from the repository's test models. */
    enum Model {
        FAST_STYLE("fast-style", "the fast neural style network (Johnson et al.) at half width, seeded weights: "
                + "what a real style model costs on this CPU"),
        STYLIZE_SMALL("stylize-small", "three 3x3 convolutions: so cheap that image decoding, encoding and storage "
                + "cost as much as the model, which shows the pipeline's fixed costs");

        final String file;
        final String description;

        Model(String file, String description) {
            this.file = file;
            this.description = description;
        }
    }

    static String run(StackConfig config, List<Model> models, List<Integer> sizes, double secondsPerRate, boolean scaling)
            throws Exception {
        try (LocalStack stack = LocalStack.startInfrastructure(config); KinferClient client = stack.client("bench")) {
            Bench bench = new Bench(stack, config, client);
            bench.report.append("# kinfer benchmark\n\n")
                    .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                    .append(System.getProperty("os.name")).append(", Java ").append(Runtime.version()).append(". ")
                    .append("TorchScript models on the PyTorch engine on CPU, batch sizes up to ").append(MAX_BATCH)
                    .append(", max delay 0 (the default: a free model takes whatever is queued), one worker process. ")
                    .append("Latency is end to end: produced to Kafka until the result is read (read_committed). ")
                    .append("Inputs are JPEG photos; outputs are PNGs stored in S3.\n\n");
            for (Model model : models) {
                Path dir = bench.stylizeModel(model);
                bench.report.append("# ").append(model.file).append("\n\n").append("Model: `").append(model.file).append("`, ")
                        .append(model.description).append(".\n\n");
                for (int size : sizes) {
                    bench.pipelineVersusRawLoop(model, dir, size, secondsPerRate);
                }
            }
            if (scaling) {
                bench.scaling();
            }
            return bench.report.toString();
        }
    }

    /** The raw loop's best: how many images per call, and how many images per second that gave. */
    private record RawLoop(int batchSize, double imagesPerSecond) {
    }

    /**
     * The raw loop first, then a worker allowed the batch size that served the raw loop best (on a CPU larger
     * batches are often slower per image; on a GPU the best is usually the largest), so both run the model alike.
     */
    private void pipelineVersusRawLoop(Model model, Path dir, int size, double secondsPerRate) throws Exception {
        RawLoop best = rawLoop(model, dir, size);
        double raw = best.imagesPerSecond();
        List<KafkaLoad.Run> runs = new ArrayList<>();
        try (ChildProcess worker = startWorker("bench-" + model.file + "-" + size, dir,
                Map.of("KINFER_MAX_BATCH_SIZE", Integer.toString(best.batchSize())))) {
            ImageRef image = upload(size);
            closedLoop("warm-up", "stylize", image, 10); // JIT-compiles the worker's I/O path, as in a long-running worker
            runs.add(closedLoop("one at a time", "stylize", image, 30));
            for (double fraction : new double[] {0.5, 0.8, 1.5}) {
                double rate = raw * fraction;
                runs.add(openLoop(String.format(Locale.ROOT, "%.0f %% of raw", fraction * 100), "stylize", image, rate,
                        (int) Math.max(20, rate * secondsPerRate)));
            }
        }
        report.append("## ").append(size).append("x").append(size).append("\n\n")
                .append(String.format(Locale.ROOT, "Raw `batchPredict` loop, best batch size (%d): **%.1f images/s**; "
                        + "the worker runs with max batch %d.%n%n", best.batchSize(), raw, best.batchSize()))
                .append("| load | offered req/s | requests | achieved req/s | p50 ms | p95 ms | p99 ms | mean batch | overhead p50 ms | vs raw |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (KafkaLoad.Run run : runs) {
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
            KafkaLoad.Run run = openLoop("saturated", "synthetic", image, 0, 1500);
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

    private Path stylizeModel(Model model) throws IOException {
        Path dir = Files.createDirectories(config.dataDir().resolve("models").resolve(model.file));
        String artifact = model.file + ".pt";
        Files.copy(config.home().resolve("inference-worker/src/test/resources/models").resolve(artifact), dir.resolve(artifact),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("manifest.json"), """
                {"name": "stylize", "version": "%s", "task": "stylize", "engine": "PyTorch", "artifact": "%s",
                 "license": "test model made by tools/make-test-models.py"}
                """.formatted(model.file, artifact));
        return dir;
    }

    /** The raw loop over batch sizes 1..MAX_BATCH (powers of two), in a worker-classpath JVM. */
    private RawLoop rawLoop(Model model, Path dir, int size) throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.toString(), Integer.toString(size), Integer.toString(size), "3"));
        for (int batch = 1; batch <= MAX_BATCH; batch *= 2) {
            args.add(Integer.toString(batch));
        }
        ChildProcess loop = stack.startWorkerTool("raw-loop-" + model.file + "-" + size, "dev.kinfer.worker.RawModelLoop", args);
        if (!loop.waitFor(Duration.ofMinutes(5))) {
            throw new IllegalStateException("raw loop did not finish:\n" + loop.tail());
        }
        RawLoop best = new RawLoop(0, 0);
        for (String line : Files.readAllLines(loop.log())) {
            if (line.startsWith("raw batch=")) {
                int batch = Integer.parseInt(line.replaceAll("raw batch=([0-9]+) .*", "$1"));
                double imagesPerSecond = Double.parseDouble(line.replaceAll(".*images_per_second=([0-9.]+).*", "$1"));
                best = imagesPerSecond > best.imagesPerSecond() ? new RawLoop(batch, imagesPerSecond) : best;
            }
        }
        if (best.batchSize() == 0) {
            throw new IllegalStateException("raw loop printed no figures:\n" + loop.tail());
        }
        return best;
    }

    private KafkaLoad.Run closedLoop(String label, String model, ImageRef image, int count) throws Exception {
        KafkaLoad load = new KafkaLoad(client, model);
        for (int i = 0; i < count; i++) {
            load.send(image);
            load.awaitAll(Duration.ofMinutes(1));
        }
        return load.summary(label, 0);
    }

    /** {@code rate} 0: everything at once (saturation). */
    private KafkaLoad.Run openLoop(String label, String model, ImageRef image, double rate, int count) throws Exception {
        KafkaLoad load = new KafkaLoad(client, model);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long early = rate > 0 ? start + (long) (i * 1e9 / rate) - System.nanoTime() : 0;
            if (early > 0) {
                Thread.sleep(Duration.ofNanos(early)); // not a spin: on a small machine it would take the worker's CPU
            }
            load.send(image);
        }
        load.awaitAll(Duration.ofMinutes(10));
        return load.summary(label, rate);
    }

    /** Uploads a photo-like JPEG (smooth shapes and grain, as clients send), the way ingest-api stores inputs. */
    private ImageRef upload(int side) throws Exception {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 160), side, side, new Color(230, 200, 120)));
        g.fillRect(0, 0, side, side);
        Random random = new Random(side);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(0x1000000)));
            g.fillOval(random.nextInt(side), random.nextInt(side), side / 4, side / 5);
        }
        g.dispose();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int grain = random.nextInt(9) - 4;
                int rgb = image.getRGB(x, y);
                image.setRGB(x, y, shift(rgb >> 16, grain) << 16 | shift(rgb >> 8, grain) << 8 | shift(rgb, grain));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        byte[] bytes = out.toByteArray();
        try (ObjectStore store = new ObjectStore(stack.storeConfig())) {
            store.ensureBucket(); // the bench starts no ingest-api, which would make it
        }
        return client.upload(bytes);
    }

    private static int shift(int channel, int by) {
        return Math.clamp((channel & 0xFF) + by, 0, 255);
    }
}
