package dev.kinfer.stack;

import dev.kinfer.client.KinferClient;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.stack.LoadClient.Mode;
import dev.kinfer.stack.LoadClient.Sample;
import dev.kinfer.store.ObjectStore;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./kinfer bench --http}: kinfer as a client sees it, against the model server a user would otherwise write.
 * In one run on one machine, with one model (a ResNet-18-shaped classifier, TorchScript, random weights):
 * <ol>
 *   <li>the model's raw {@code batchPredict} loop ({@code RawModelLoop}, batch sizes 1 to 8): the physical limit;
 *   <li>{@link BaselineServer}, one JVM with an HTTP server and one batching thread (max batch 8, max wait 10 ms),
 *       driven over HTTP;
 *   <li>the real stack ({@link LocalStack#start}: broker, S3, registry, result-sink, ingest-api, a worker), the model
 *       deployed through the catalogue, driven over HTTP with {@code :predict}, a job followed by Server-Sent Events,
 *       and a job followed by polling every 20 ms.
 * </ol>
 * Load: closed loops at each concurrency (after a warm-up), and an open loop at 80 % of the baseline's throughput at
 * 16 clients. Each request uploads different bytes (one of a pool of generated JPEGs, made unique by a JPEG
 * comment), so no content-addressed cache can answer; one extra row repeats a single image.
 */
final class HttpBench {
    private static final Logger log = LoggerFactory.getLogger(HttpBench.class);
    static final String MODEL = "resnet18";
    private static final int WIDTH = 512;
    private static final int HEIGHT = 480;
    private static final int POOL = 256;
    private static final int MAX_BATCH = 8;
    private static final int BASELINE_MAX_WAIT_MS = 10;
    private static final int REPEATED_CONCURRENCY = 4;
    private static final String APT = "apt-get install -y python3-torch python3-torchvision";

    private final StackConfig config;
    private final double seconds;
    private final double warmUp;
    private final Images images = Images.generate(POOL, 7);
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private HttpBench(StackConfig config, double seconds) {
        this.config = config;
        this.seconds = seconds;
        this.warmUp = Math.min(5, Math.max(2, seconds / 5));
    }

    /** One measured row of the table. */
    private record Row(Mode mode, String load, String shape, double offered, int requests, int errors, int retries,
                       double throughput, double p50, double p95, double p99, double meanBatch, List<Sample> samples) {
    }

    /** The raw loop's best batch size and images per second. */
    private record RawLoop(int batchSize, double imagesPerSecond, String all) {
    }

    static String run(StackConfig config, double seconds, List<Integer> concurrencies) throws Exception {
        Path modelDir = ensureModel(config);
        HttpBench bench = new HttpBench(config, seconds);
        try (LocalStack stack = LocalStack.start(config)) {
            return bench.measure(stack, modelDir, concurrencies);
        }
    }

    private String measure(LocalStack stack, Path modelDir, List<Integer> concurrencies) throws Exception {
        deploy(stack, modelDir);
        stopDemoWorkers(stack);
        LoadClient kinfer = new LoadClient(stack.apiUrl(), null, MODEL, stack.apiKey());
        awaitServing(kinfer);

        log.info("raw batchPredict loop");
        RawLoop raw = rawLoop(stack, modelDir);
        log.info("raw loop: {}", raw.all());

        int baselinePort = PortGuard.free();
        double rate;
        try (ChildProcess baseline = startBaseline(modelDir, baselinePort)) {
            LoadClient client = new LoadClient(stack.apiUrl(), "http://127.0.0.1:" + baselinePort, MODEL, stack.apiKey());
            for (int c : concurrencies) {
                closedLoop(client, Mode.BASELINE, c, images::next, "");
            }
            int reference = concurrencies.stream().filter(c -> c <= 16).max(Integer::compare).orElse(concurrencies.getLast());
            rate = 0.8 * rows.stream().filter(r -> r.mode() == Mode.BASELINE && r.shape().equals("c" + reference)).findFirst()
                    .orElseThrow().throughput();
            notes.add(String.format(Locale.ROOT, "Open loop: %.1f req/s, 80 %% of the hand-written server's throughput with %d clients.",
                    rate, reference));
            openLoop(client, Mode.BASELINE, rate);
        }

        List<Mode> modes = new ArrayList<>();
        Mode primary = offered(kinfer, Mode.PREDICT) ? Mode.PREDICT : Mode.SSE;
        if (primary != Mode.PREDICT) {
            notes.add("`POST /v1/models/" + MODEL + ":predict` answered 404 (not built in this checkout): its rows are missing.");
        }
        if (offered(kinfer, Mode.SSE)) {
            modes.add(Mode.SSE);
        } else {
            notes.add("`GET /v1/jobs/{id}/events` answered 404 (not built in this checkout): its rows are missing.");
            primary = primary == Mode.SSE ? Mode.POLL : primary;
        }
        if (primary == Mode.PREDICT) {
            modes.addFirst(Mode.PREDICT);
        }
        modes.add(Mode.POLL);
        for (Mode mode : modes) {
            for (int c : concurrencies) {
                closedLoop(kinfer, mode, c, images::next, "");
            }
            openLoop(kinfer, mode, rate);
        }
        byte[] single = images.repeated();
        closedLoop(kinfer, primary, REPEATED_CONCURRENCY, () -> single, ", one repeated image");
        KafkaLoad.Run kafka = kafkaPath(stack, single, raw);
        notes.add(String.format(Locale.ROOT, "**Kafka path, saturated** (requests produced straight to `kinfer.requests.%s`, %d at once, "
                + "results read from `kinfer.results`: no HTTP, no ingest): **%.1f req/s = %.0f %% of the raw loop**, mean batch %.2f, "
                + "p50 %.0f ms, p99 %.0f ms.", MODEL, kafka.requests(), kafka.throughput(), 100 * kafka.throughput() / raw.imagesPerSecond(),
                kafka.meanBatch(), kafka.p50(), kafka.p99()));
        return report(raw, primary, concurrencies);
    }

    /**
     * The worker's own ceiling on this machine: requests produced straight to the model's topic, all at once, as a
     * Kafka-native client would, and results read back; what HTTP and ingest-api cost is the gap to the HTTP rows.
     */
    private KafkaLoad.Run kafkaPath(LocalStack stack, byte[] jpeg, RawLoop raw) throws Exception {
        try (KinferClient client = stack.client("bench")) {
            ImageRef image = client.upload(jpeg);
            int count = (int) Math.max(200, raw.imagesPerSecond() * seconds);
            log.info("Kafka path: {} requests at once", count);
            KafkaLoad load = new KafkaLoad(client, MODEL);
            for (int i = 0; i < count; i++) {
                load.send(image);
            }
            load.awaitAll(Duration.ofMinutes(10));
            return load.summary("saturated", 0);
        }
    }

    // ---------------------------------------------------------------------------------------------- the model

    /** The bench model, made once with Debian's PyTorch and cached under {@code <cache>/bench-models/resnet18}. */
    static Path ensureModel(StackConfig config) throws IOException, InterruptedException {
        Path dir = config.cacheDir().resolve("bench-models").resolve(MODEL);
        if (Files.isRegularFile(dir.resolve("manifest.json")) && Files.isRegularFile(dir.resolve("resnet18.pt"))) {
            return dir;
        }
        if (exec(false, "/usr/bin/python3", "-c", "import torch, torchvision") != 0) {
            if (!"0".equals(output("id", "-u"))) {
                throw new IllegalStateException("the bench model is made with Debian's PyTorch, which /usr/bin/python3 lacks: run `sudo "
                        + APT + "` and try again");
            }
            System.out.println("installing Debian's PyTorch to make the bench model: " + APT);
            if (exec(true, APT.split(" ")) != 0) {
                exec(true, "apt-get", "update");
                exec(true, APT.split(" "));
            }
            if (exec(false, "/usr/bin/python3", "-c", "import torch, torchvision") != 0) {
                throw new IllegalStateException("/usr/bin/python3 cannot import torch and torchvision after `" + APT + "`; install them and try again");
            }
        }
        Path script = config.home().resolve("bench").resolve("make-resnet18.py");
        if (exec(true, "/usr/bin/python3", script.toString(), dir.toString()) != 0) {
            throw new IllegalStateException(script + " failed; see above");
        }
        return dir;
    }

    private static int exec(boolean inheritIo, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (inheritIo) {
            builder.inheritIO();
        } else {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            return 127; // no such program
        }
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return text;
    }

    /** Through the catalogue, as {@code ./kinfer models deploy} does: the stack starts a worker for it. */
    private static void deploy(LocalStack stack, Path modelDir) throws Exception {
        try (ObjectStore store = new ObjectStore(stack.storeConfig());
             ModelDeployer deployer = new ModelDeployer(stack.kafkaConnection(), store)) {
            store.ensureBucket();
            log.info("deployed {}", deployer.deploy(modelDir).key());
        }
    }

    /** The demo models' workers would only share the 2 cores: stopped for good (the stack does not restart them). */
    private static void stopDemoWorkers(LocalStack stack) throws InterruptedException {
        List<Thread> stopping = new ArrayList<>();
        for (String model : List.of(DemoModels.BACKGROUND_REMOVAL, DemoModels.FACE_DETECTION, DemoModels.STYLE_TRANSFER,
                DemoModels.UPSCALE, DemoModels.FACE_EMBEDDING, DemoModels.FACE_VERIFICATION)) {
            try {
                ChildProcess worker = stack.worker(model);
                stopping.add(Thread.ofVirtual().start(worker::close));
            } catch (IllegalArgumentException e) {
                // not served by this stack
            }
        }
        for (Thread thread : stopping) {
            thread.join();
        }
    }

    /** Until a job of the model succeeds end to end (the worker loads and warms the model up first). */
    private static void awaitServing(LoadClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Images probe = Images.generate(1, 99);
        String last = "";
        while (System.nanoTime() < deadline) {
            Sample sample = client.call(Mode.POLL, probe.next(), System.nanoTime());
            if (sample.ok()) {
                log.info("{} serves over HTTP ({} ms for the first job)", MODEL, Math.round(sample.latencyMs()));
                return;
            }
            last = sample.error();
            Thread.sleep(2000);
        }
        throw new IllegalStateException(MODEL + " was not served within 5 minutes: " + last);
    }

    private static boolean offered(LoadClient client, Mode mode) {
        try {
            Sample sample = client.call(mode, Images.generate(1, 98).next(), System.nanoTime());
            if (!sample.ok()) {
                log.warn("{} probe failed: {}", mode, sample.error());
            }
            return true;
        } catch (LoadClient.NotOffered e) {
            log.warn("{}", e.getMessage());
            return false;
        }
    }

    /** The raw loop over batch sizes 1, 2, 4, 8 at the bench's image size, in a worker-classpath JVM. */
    private RawLoop rawLoop(LocalStack stack, Path modelDir) throws Exception {
        List<String> args = new ArrayList<>(List.of(modelDir.toString(), Integer.toString(WIDTH), Integer.toString(HEIGHT), "3"));
        for (int batch = 1; batch <= MAX_BATCH; batch *= 2) {
            args.add(Integer.toString(batch));
        }
        ChildProcess loop = stack.startWorkerTool("raw-loop-" + MODEL, "dev.kinfer.worker.RawModelLoop", args);
        if (!loop.waitFor(Duration.ofMinutes(5))) {
            throw new IllegalStateException("raw loop did not finish:\n" + loop.tail());
        }
        RawLoop best = new RawLoop(0, 0, "");
        List<String> all = new ArrayList<>();
        for (String line : Files.readAllLines(loop.log())) {
            if (line.startsWith("raw batch=")) {
                int batch = Integer.parseInt(line.replaceAll("raw batch=([0-9]+) .*", "$1"));
                double imagesPerSecond = Double.parseDouble(line.replaceAll(".*images_per_second=([0-9.]+).*", "$1"));
                all.add(String.format(Locale.ROOT, "%d: %.1f", batch, imagesPerSecond));
                best = imagesPerSecond > best.imagesPerSecond() ? new RawLoop(batch, imagesPerSecond, "") : best;
            }
        }
        if (best.batchSize() == 0) {
            throw new IllegalStateException("raw loop printed no figures:\n" + loop.tail());
        }
        return new RawLoop(best.batchSize(), best.imagesPerSecond(), String.join(", ", all));
    }

    /**
     * The baseline as its own JVM, started like the stack's workers (the worker's classpath and JVM flags), plus its
     * own class and Jetty from the local-stack build.
     */
    private ChildProcess startBaseline(Path modelDir, int port) throws Exception {
        Path home = config.home();
        List<String> classpath = new ArrayList<>();
        classpath.add(home.resolve("inference-worker/target/classes").toString());
        classpath.addAll(runtimeClasspath(home.resolve("inference-worker")));
        classpath.add(Path.of(BaselineServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        runtimeClasspath(home.resolve("local-stack")).stream()
                .filter(jar -> jar.contains("/org/eclipse/jetty/") || jar.contains("/jakarta/servlet/"))
                .forEach(classpath::add);
        List<String> jvm = List.of("-Xmx2g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-DDJL_CACHE_DIR=" + config.cacheDir().resolve("djl"), "-cp", String.join(File.pathSeparator, classpath));
        ChildProcess baseline = ChildProcess.start("baseline-server", jvm, List.of(BaselineServer.class.getName(), modelDir.toString(),
                Integer.toString(port), Integer.toString(MAX_BATCH), Integer.toString(BASELINE_MAX_WAIT_MS)), Map.of(),
                config.dataDir().resolve("logs"));
        Thread stopOnExit = new Thread(baseline::close, "baseline-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            baseline.awaitReady("http://127.0.0.1:" + port + "/health", Duration.ofMinutes(3));
        } catch (RuntimeException e) {
            baseline.close();
            throw e;
        }
        return baseline;
    }

    private static List<String> runtimeClasspath(Path module) throws IOException {
        Path file = module.resolve("target").resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(module.getFileName() + " is not built (no " + file + "): run ./mvnw -DskipTests package");
        }
        return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    // ---------------------------------------------------------------------------------------------- load

    /** {@code concurrency} clients, each sending its next request when the last one is answered. */
    private void closedLoop(LoadClient client, Mode mode, int concurrency, Supplier<byte[]> inputs, String suffix) {
        log.info("{}: {} client(s){} ({} s warm-up, {} s measured)", mode.label, concurrency, suffix, warmUp, seconds);
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long from = start + (long) (warmUp * 1e9);
        long until = from + (long) (seconds * 1e9);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                clients.submit(() -> {
                    while (System.nanoTime() < until) {
                        byte[] image = inputs.get();
                        long sent = System.nanoTime();
                        samples.add(safeCall(client, mode, image, sent));
                    }
                });
            }
        }
        List<Sample> measured = samples.stream().filter(s -> s.start() >= from && s.start() < until).toList();
        long done = samples.stream().filter(s -> s.ok() && s.end() >= from && s.end() <= until).count();
        add(mode, "closed, " + concurrency + (concurrency == 1 ? " client" : " clients") + suffix, "c" + concurrency + suffix,
                Double.NaN, measured, done / seconds);
    }

    /** Requests sent on a fixed schedule whatever the answers do; latency counts from when each was due. */
    private void openLoop(LoadClient client, Mode mode, double rate) {
        int count = Math.max(5, (int) Math.round(rate * seconds));
        log.info("{}: open loop, {} req/s, {} requests", mode.label, String.format(Locale.ROOT, "%.1f", rate), count);
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime() + 100_000_000L;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                long due = start + (long) (i * 1e9 / rate);
                byte[] image = images.next();
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                clients.submit(() -> samples.add(safeCall(client, mode, image, due)));
            }
        }
        long last = samples.stream().mapToLong(Sample::end).max().orElse(start + 1);
        long ok = samples.stream().filter(Sample::ok).count();
        add(mode, String.format(Locale.ROOT, "open, %.1f req/s", rate), "open", rate, new ArrayList<>(samples), ok / ((last - start) / 1e9));
    }

    private static Sample safeCall(LoadClient client, Mode mode, byte[] image, long due) {
        try {
            return client.call(mode, image, due);
        } catch (RuntimeException e) {
            return new Sample(due, System.nanoTime(), false, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, e.toString());
        }
    }

    private void add(Mode mode, String load, String shape, double offered, List<Sample> samples, double throughput) {
        double[] latencies = samples.stream().filter(Sample::ok).mapToDouble(Sample::latencyMs).sorted().toArray();
        int errors = (int) samples.stream().filter(s -> !s.ok()).count();
        int retries = samples.stream().mapToInt(Sample::retries).sum();
        double meanBatch = samples.stream().filter(Sample::ok).mapToDouble(Sample::batchSize).filter(b -> !Double.isNaN(b))
                .average().orElse(Double.NaN);
        Row row = new Row(mode, load, shape, offered, samples.size(), errors, retries, throughput, KafkaLoad.percentile(latencies, 50),
                KafkaLoad.percentile(latencies, 95), KafkaLoad.percentile(latencies, 99), meanBatch, samples);
        rows.add(row);
        log.info(String.format(Locale.ROOT, "  %d requests, %d errors, %d retried, %.1f req/s, p50 %.0f ms, p99 %.0f ms, mean batch %.2f",
                row.requests(), errors, retries, throughput, row.p50(), row.p99(), meanBatch));
        samples.stream().filter(s -> !s.ok()).map(Sample::error).distinct().limit(3).forEach(e -> log.warn("  error: {}", e));
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        return KafkaLoad.percentile(samples.stream().filter(Sample::ok).mapToDouble(field).filter(v -> !Double.isNaN(v)).sorted().toArray(), 50);
    }

    // ---------------------------------------------------------------------------------------------- report

    private String report(RawLoop raw, Mode primary, List<Integer> concurrencies) {
        Map<String, Row> baseline = new LinkedHashMap<>();
        rows.stream().filter(r -> r.mode() == Mode.BASELINE).forEach(r -> baseline.put(r.shape(), r));
        StringBuilder out = new StringBuilder();
        out.append("# kinfer over HTTP versus a hand-written model server\n\n")
                .append(String.format(Locale.ROOT, "`./kinfer bench --http --seconds %s`: %d cores, %s, Java %s. ", trim(seconds),
                        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), Runtime.version()))
                .append("Model: `resnet18`, torchvision's ResNet-18 with random weights, TorchScript traced at 224x224, on the PyTorch ")
                .append("engine on CPU (the `classify` task: shorter side to 256, centre 224 crop, ImageNet mean/std, top 5). ")
                .append(String.format(Locale.ROOT, "Inputs: %dx%d JPEGs, every request different bytes (%d generated images, each ", WIDTH, HEIGHT, POOL))
                .append("upload made unique by a JPEG comment) so no cache can answer, except in the last row.\n\n")
                .append("- **raw loop**: the model's `batchPredict` on decoded images in a tight loop (no HTTP, no JPEG decoding), ")
                .append(String.format(Locale.ROOT, "batch sizes 1, 2, 4, 8 (images/s: %s); best: **%.1f images/s** at batch %d.%n",
                        raw.all(), raw.imagesPerSecond(), raw.batchSize()))
                .append(String.format(Locale.ROOT, "- **hand-written server** (`BaselineServer`): one JVM, Jetty, one batching thread "
                        + "(max batch %d, max wait %d ms), the worker's own model code, answers top-5 JSON synchronously.%n", MAX_BATCH,
                        BASELINE_MAX_WAIT_MS))
                .append("- **kinfer**: the real stack (`LocalStack`: KRaft broker, S3, schema registry, result-sink, ingest-api, one worker; ")
                .append("the demo models' workers stopped), the model deployed through the catalogue; worker max batch ")
                .append(MAX_BATCH).append(", max delay 0.\n\n")
                .append("Closed loop: N clients each sending the next request when the last is answered, ").append(trim(warmUp))
                .append(" s warm-up, then ").append(trim(seconds)).append(" s measured (throughput: answers in that window; latency: ")
                .append("requests sent in it). Open loop: requests on a fixed schedule, latency from when each was due. ")
                .append("Latency is end to end as the client sees it: upload to final answer. `vs baseline` compares with the ")
                .append("hand-written server under the same load; `vs raw` with the raw loop's best.\n\n");
        notes.forEach(n -> out.append(n).append("\n\n"));
        out.append("| mode | load | requests | errors | req/s | p50 ms | p95 ms | p99 ms | mean batch | vs baseline | vs raw |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            Row reference = baseline.get(row.shape().replace(", one repeated image", ""));
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.0f | %.0f | %.0f | %s | %s | %.0f %% |%n",
                    row.mode().label, row.load(), row.requests(),
                    row.errors() + (row.retries() > 0 ? " (" + row.retries() + " retried)" : ""),
                    row.throughput(), row.p50(), row.p95(), row.p99(),
                    Double.isNaN(row.meanBatch()) ? "" : String.format(Locale.ROOT, "%.2f", row.meanBatch()),
                    reference == null || row.mode() == Mode.BASELINE ? "" : String.format(Locale.ROOT, "%.2fx",
                            row.throughput() / reference.throughput()),
                    100 * row.throughput() / raw.imagesPerSecond()));
        }
        int one = concurrencies.stream().min(Integer::compare).orElse(1);
        out.append("\nWhere the time goes, ").append(one == 1 ? "one client" : one + " clients")
                .append(" (medians of each figure; the worker's `result.timings`):\n\n");
        for (Row row : rows) {
            if (row.mode() == Mode.BASELINE || !row.shape().equals("c" + one)) {
                continue;
            }
            double e2e = row.p50();
            double queued = median(row.samples(), Sample::queuedMs);
            double fetch = median(row.samples(), Sample::fetchMs);
            double inference = median(row.samples(), Sample::inferenceMs);
            out.append(String.format(Locale.ROOT, "- %s: end to end %.0f ms = queued for its batch %.0f ms + input fetch %.0f ms + "
                            + "model (batch, incl. preprocessing) %.0f ms + the rest %.0f ms (upload, validation and store, Kafka both ways, "
                            + "output, and how the client learns of the result)%n", row.mode().label, e2e, queued, fetch, inference,
                    e2e - queued - fetch - inference));
        }
        rows.stream().filter(r -> r.mode() == Mode.BASELINE && r.shape().equals("c" + one)).findFirst().ifPresent(r -> out.append(
                String.format(Locale.ROOT, "- %s: end to end %.0f ms (no timings: it is one process)%n", r.mode().label, r.p50())));
        out.append('\n');
        return out.toString();
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    // ---------------------------------------------------------------------------------------------- inputs

    /**
     * Photo-like JPEGs (gradient, shapes, grain; seeded), {@code 512x480}. {@link #next()} gives each call different
     * bytes: a pool image with a unique JPEG comment (COM segment) after its start marker, so its sha256, and so any
     * content-addressed cache key, is new while decoding costs the same.
     */
    static final class Images {
        private final List<byte[]> pool;
        private final AtomicLong counter = new AtomicLong();
        private final String nonce = Long.toHexString(System.nanoTime());

        private Images(List<byte[]> pool) {
            this.pool = pool;
        }

        static Images generate(int count, long seed) {
            Random random = new Random(seed);
            List<byte[]> pool = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                pool.add(jpeg(random));
            }
            return new Images(pool);
        }

        byte[] next() {
            long n = counter.getAndIncrement();
            byte[] base = pool.get((int) (n % pool.size()));
            byte[] comment = ("kinfer-bench " + nonce + " " + n).getBytes(StandardCharsets.US_ASCII);
            int length = comment.length + 2;
            byte[] out = new byte[base.length + 2 + length];
            out[0] = base[0];
            out[1] = base[1]; // SOI
            out[2] = (byte) 0xFF;
            out[3] = (byte) 0xFE; // COM
            out[4] = (byte) (length >> 8);
            out[5] = (byte) length;
            System.arraycopy(comment, 0, out, 6, comment.length);
            System.arraycopy(base, 2, out, 6 + comment.length, base.length - 2);
            return out;
        }

        /** The same bytes every time. */
        byte[] repeated() {
            return pool.getFirst();
        }

        private static byte[] jpeg(Random random) {
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setPaint(new GradientPaint(random.nextInt(WIDTH), 0, new Color(random.nextInt(0x1000000)), WIDTH, random.nextInt(HEIGHT),
                    new Color(random.nextInt(0x1000000))));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            for (int i = 0; i < 12; i++) {
                g.setColor(new Color(random.nextInt(0x1000000)));
                g.fillOval(random.nextInt(WIDTH), random.nextInt(HEIGHT), 40 + random.nextInt(WIDTH / 3), 40 + random.nextInt(HEIGHT / 3));
            }
            g.dispose();
            int[] pixels = image.getRGB(0, 0, WIDTH, HEIGHT, null, 0, WIDTH);
            for (int i = 0; i < pixels.length; i++) {
                int grain = random.nextInt(9) - 4;
                int rgb = pixels[i];
                pixels[i] = shift(rgb >> 16, grain) << 16 | shift(rgb >> 8, grain) << 8 | shift(rgb, grain);
            }
            image.setRGB(0, 0, WIDTH, HEIGHT, pixels, 0, WIDTH);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "jpg", out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        }

        private static int shift(int channel, int by) {
            return Math.clamp((channel & 0xFF) + by, 0, 255);
        }
    }
}
