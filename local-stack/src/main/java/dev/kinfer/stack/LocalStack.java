package dev.kinfer.stack;

import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.client.KinferClient;
import dev.kinfer.credentials.Tenants;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine, started in dependency order and stopped in reverse: broker and S3 in
 * this JVM; schema registry, result-sink, one inference worker per model and ingest-api as child JVMs, each
 * restarted by a {@link Supervisor} if it exits by itself. Workers started through the package-private test
 * hooks ({@link #startWorker}, {@link #startCatalogWorker}, {@link #startWorkerTool}) are not supervised: a test
 * that kills one means it to stay dead.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration SERVICE_START = Duration.ofMinutes(3);
    static final String BUCKET = "kinfer";
    /** As the services make kinfer.results when they find it missing. */
    private static final int RESULT_PARTITIONS = 4;

    private final StackConfig config;
    /** Extra environment for ingest-api (tests shorten its timings). */
    private final Map<String, String> ingestSettings;
    /** The broker's SASL_PLAINTEXT SCRAM-SHA-256 listener, if a test asked for one. */
    private final OptionalInt scramPort;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final Supervisor supervisor = new Supervisor();
    /** Models a worker of this stack serves (claimed before the worker starts, so each model gets one). */
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    /** The supervised worker of each served model. */
    private final Map<String, ChildProcess> workers = new ConcurrentHashMap<>();
    /** The health (and metrics) port of each served model's worker. */
    private final Map<String, Integer> workerPorts = new ConcurrentHashMap<>();
    private Secrets secrets;
    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private ChildProcess registry;
    /** The stack's own way to Kafka: the PLAINTEXT listener. */
    private KafkaConnection kafkaConnection;
    private String s3Endpoint;
    /** The development key clients of this stack send; null when authentication is off. */
    private String apiKey;
    /** The signing secret of the webhooks this stack's clients get. */
    private String webhookSecret;

    private LocalStack(StackConfig config, Map<String, String> ingestSettings, OptionalInt scramPort) {
        this.config = config;
        this.ingestSettings = Map.copyOf(ingestSettings);
        this.scramPort = scramPort;
    }

    /** Starts everything; on any failure stops what already started and rethrows. */
    static LocalStack start(StackConfig config) throws Exception {
        return start(config, true, Map.of(), OptionalInt.empty());
    }

    /**
     * Test hook: {@link #start(StackConfig)} with extra environment for ingest-api, e.g. a short
     * {@code KINFER_MODEL_UNAVAILABLE_AFTER}.
     */
    static LocalStack start(StackConfig config, Map<String, String> ingestSettings) throws Exception {
        return start(config, true, ingestSettings, OptionalInt.empty());
    }

    /** Starts the broker, S3 and the registry only; services are added with {@link #startWorker}. */
    static LocalStack startInfrastructure(StackConfig config) throws Exception {
        return start(config, false, Map.of(), OptionalInt.empty());
    }

    /**
     * Test hook: {@link #startInfrastructure(StackConfig)} with the broker also listening on {@code scramPort} with
     * {@code SASL_PLAINTEXT} and {@code SCRAM-SHA-256} ({@link #scramBootstrapServers()}). It knows no user: make them
     * with the Admin API over {@link #kafkaConnection()}. The stack itself keeps to its PLAINTEXT listener.
     */
    static LocalStack startInfrastructure(StackConfig config, int scramPort) throws Exception {
        return start(config, false, Map.of(), OptionalInt.of(scramPort));
    }

    private static LocalStack start(StackConfig config, boolean withServices, Map<String, String> ingestSettings, OptionalInt scramPort)
            throws Exception {
        PortGuard.requireFree(config.ports());
        LocalStack stack = new LocalStack(config, ingestSettings, scramPort);
        // Whatever stops this JVM (Ctrl-C, SIGTERM, an exception in a command) must not leave child JVMs behind.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        try {
            stack.startInfrastructure();
            if (withServices) {
                stack.startServices();
            }
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void startInfrastructure() throws Exception {
        StackConfig.Ports ports = config.ports();
        Path data = config.dataDir();
        Path logs = data.resolve("logs");
        secrets = Secrets.loadOrCreate(data);

        log.info("starting Kafka (KRaft) on 127.0.0.1:{}", ports.kafka());
        kafka = EmbeddedKafka.start(data.resolve("kafka"), ports.kafka(), ports.controller(), scramPort);
        running.push(kafka);
        kafkaConnection = KafkaConnection.to(kafka.bootstrapServers());

        log.info("starting S3 on 127.0.0.1:{}", ports.s3());
        s3 = EmbeddedS3.start(data.resolve("s3"), ports.s3(), secrets.s3AccessKey(), secrets.s3SecretKey());
        running.push(s3);
        s3Endpoint = s3.endpoint();

        log.info("starting the schema registry on 127.0.0.1:{}", ports.registry());
        Path registryJar = registryJar();
        registry = supervised("schema-registry", List.of("-Xmx256m",
                "-Dquarkus.http.port=" + ports.registry(), "-Dquarkus.http.host=127.0.0.1", "-jar", registryJar.toString()),
                List.of(), Map.of("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + data.resolve("registry").resolve("schemas")
                        + ";DB_CLOSE_ON_EXIT=FALSE"), logs);
        registry.awaitReady(registryUrl() + "/subjects", SERVICE_START);
        requireBackwardCompatibility(registryUrl());
    }

    private void startServices() throws Exception {
        StackConfig.Ports ports = config.ports();
        Path logs = config.dataDir().resolve("logs");
        deployIfMissing(List.of(DemoModels.backgroundRemoval(config.cacheDir()), DemoModels.faceDetection(config.cacheDir()),
                DemoModels.colourTransfer(config.cacheDir()), DemoModels.upscaler(config.cacheDir()),
                DemoModels.faceEmbedding(config.cacheDir()), DemoModels.faceVerification(config.cacheDir()),
                DemoModels.faceExpressions(config.cacheDir())));
        ChildProcess sink = supervised("result-sink", serviceJvm("result-sink", "512m"), List.of("dev.kinfer.sink.SinkMain"),
                sinkEnvironment(Map.of()), logs);
        Map<String, ChildProcess> starting = new LinkedHashMap<>();
        served.add(DemoModels.BACKGROUND_REMOVAL);
        starting.put("http://127.0.0.1:" + ports.worker(),
                startServedWorker("worker-1", DemoModels.BACKGROUND_REMOVAL, ports.worker(), Map.of("KINFER_MAX_BATCH_SIZE", "4")));
        for (String model : List.of(DemoModels.FACE_DETECTION, DemoModels.STYLE_TRANSFER, DemoModels.UPSCALE, DemoModels.FACE_EMBEDDING,
                DemoModels.FACE_VERIFICATION, DemoModels.EXPRESSION)) {
            int port = PortGuard.free();
            served.add(model);
            starting.put("http://127.0.0.1:" + port, startServedWorker(model + "-1", model, port, Map.of()));
        }
        sink.awaitReady(sinkUrl() + "/health/ready", SERVICE_START);
        for (Map.Entry<String, ChildProcess> worker : starting.entrySet()) {
            worker.getValue().awaitReady(worker.getKey() + "/health/ready", SERVICE_START);
        }
        serveEveryDeployedModel();

        Map<String, String> ingestEnv = ingestEnvironment(ports.http(), ingestSettings);
        ChildProcess ingest = supervised("ingest-api", serviceJvm("ingest-api", "512m"), List.of("dev.kinfer.ingest.IngestMain"),
                ingestEnv, logs);
        ingest.awaitReady(apiUrl() + "/health/ready", SERVICE_START);
    }

    /**
     * Puts the demo models in the catalogue unless a version of the same name and version is there already (a
     * restart does not redeploy, so workers do not reload).
     */
    private void deployIfMissing(List<Path> modelDirs) throws InterruptedException {
        ModelDeployer.ensureTopic(kafkaConnection);
        try (ModelCatalog catalog = new ModelCatalog(kafkaConnection);
             ObjectStore store = new ObjectStore(storeConfig());
             ModelDeployer deployer = new ModelDeployer(kafkaConnection, store)) {
            if (!catalog.awaitCaughtUp(Duration.ofSeconds(30))) {
                throw new IllegalStateException("could not read the model catalogue " + Topics.MODELS + " within 30 s");
            }
            store.ensureBucket();
            for (Path dir : modelDirs) {
                ModelManifest manifest = ModelManifest.read(dir);
                if (catalog.versions(manifest.name()).stream().noneMatch(e -> e.version().equals(manifest.version()))) {
                    log.info("deploying {}:{} to the model catalogue", manifest.name(), manifest.version());
                    deployer.deploy(dir);
                }
            }
        }
    }

    /**
     * One worker for each model in the catalogue that has none yet, now and whenever a new model is deployed
     * while the stack runs: on one machine, deploying is all it takes to serve a model.
     */
    private void serveEveryDeployedModel() throws InterruptedException {
        ModelCatalog catalog = new ModelCatalog(kafkaConnection);
        running.push(catalog);
        catalog.onChange(change -> change.entry().ifPresent(entry -> serve(entry.name())));
        catalog.awaitCaughtUp(Duration.ofSeconds(30));
        catalog.entries().forEach(entry -> serve(entry.name()));
    }

    private void serve(String model) {
        if (!served.add(model)) {
            return;
        }
        try {
            log.info("starting a worker for {}, deployed to the catalogue", model);
            startServedWorker(model + "-1", model, PortGuard.free(), Map.of());
        } catch (IOException e) {
            served.remove(model);
            log.error("cannot start a worker for {}", model, e);
        }
    }

    /** The stack's own, supervised worker for {@code model}. */
    private ChildProcess startServedWorker(String workerId, String model, int healthPort, Map<String, String> settings) throws IOException {
        ChildProcess worker = startCatalogWorker(workerId, model, healthPort, settings);
        supervisor.supervise(worker);
        workers.put(model, worker);
        workerPorts.put(model, healthPort);
        return worker;
    }

    /** The Prometheus endpoint of each served model's worker, by model name (sorted); workers started later join it. */
    Map<String, String> workerMetricsUrls() {
        Map<String, String> urls = new TreeMap<>();
        workerPorts.forEach((model, port) -> urls.put(model, "http://127.0.0.1:" + port + "/metrics"));
        return urls;
    }

    /**
     * Test hook: the supervised worker this stack started for {@code model}. {@link ChildProcess#kill()} on it is a
     * crash (the stack restarts it); {@link ChildProcess#close()} stops it for good.
     */
    ChildProcess worker(String model) {
        ChildProcess worker = workers.get(model);
        if (worker == null) {
            throw new IllegalArgumentException("this stack serves no model " + model + "; it serves " + workers.keySet());
        }
        return worker;
    }

    /** Starts an unsupervised worker that serves whatever versions of {@code model} the catalogue holds (not waiting for it). */
    ChildProcess startCatalogWorker(String workerId, String model, int healthPort, Map<String, String> settings) throws IOException {
        Map<String, String> env = with(commonEnvironment(), settings);
        env.put("KINFER_MODEL", model);
        env.put("KINFER_MODEL_CACHE", config.dataDir().resolve("worker-models").resolve(workerId).toString());
        env.put("KINFER_WORKER_ID", workerId);
        env.put("KINFER_HEALTH_PORT", Integer.toString(healthPort));
        return child("inference-" + workerId, workerJvm(), List.of("dev.kinfer.worker.WorkerMain"), env, config.dataDir().resolve("logs"));
    }

    /**
     * Test hook: an ingest-api process on {@code httpPort} with extra settings, not waiting for it and not
     * supervised (the test stops it).
     */
    ChildProcess startIngest(int httpPort, Map<String, String> settings) throws IOException, InterruptedException {
        return child("ingest-api-" + httpPort, serviceJvm("ingest-api", "512m"), List.of("dev.kinfer.ingest.IngestMain"),
                ingestEnvironment(httpPort, settings), config.dataDir().resolve("logs"));
    }

    /** Also makes (or finds) the development key, unless the settings turn authentication off. */
    private Map<String, String> ingestEnvironment(int httpPort, Map<String, String> settings) throws IOException, InterruptedException {
        boolean authOff = "off".equals(settings.get("KINFER_AUTH"));
        if (!authOff && apiKey == null) {
            apiKey = DevKey.ensure(config.dataDir(), kafkaConnection);
        }
        if (webhookSecret == null) {
            webhookSecret = DevWebhookSecret.ensure(config.dataDir(), kafkaConnection, authOff ? Tenants.PUBLIC : DevKey.TENANT);
        }
        Map<String, String> env = with(commonEnvironment(), Map.of("KINFER_HTTP_PORT", Integer.toString(httpPort), "KINFER_JOBS_URL", sinkUrl()));
        env.putAll(settings);
        return env;
    }

    /**
     * Test hook: a result-sink process on the stack's sink port with extra settings, not waiting for it and not
     * supervised (the test stops it).
     */
    ChildProcess startSink(Map<String, String> settings) throws IOException {
        return child("result-sink", serviceJvm("result-sink", "512m"), List.of("dev.kinfer.sink.SinkMain"), sinkEnvironment(settings),
                config.dataDir().resolve("logs"));
    }

    private Map<String, String> sinkEnvironment(Map<String, String> settings) {
        Map<String, String> env = with(commonEnvironment(), Map.of("KINFER_HTTP_PORT", Integer.toString(config.ports().sink()),
                "KINFER_STATE_DIR", config.dataDir().resolve("result-sink").toString(),
                // On one machine the webhook receiver is usually on this machine too.
                "KINFER_CALLBACK_ALLOW", "127.0.0.0/8,::1/128"));
        env.putAll(settings);
        return env;
    }

    /** Starts an unsupervised inference worker process for the model in {@code modelDir} (not waiting for it to be ready). */
    ChildProcess startWorker(String workerId, Path modelDir, int healthPort, Map<String, String> settings) throws IOException {
        Map<String, String> env = with(commonEnvironment(), settings);
        env.put("KINFER_MODEL_DIR", modelDir.toString());
        env.put("KINFER_WORKER_ID", workerId);
        env.put("KINFER_HEALTH_PORT", Integer.toString(healthPort));
        return child("inference-" + workerId, workerJvm(), List.of("dev.kinfer.worker.WorkerMain"), env, config.dataDir().resolve("logs"));
    }

    /** Runs a main class of the worker module (a tool such as the raw model loop) with the worker's JVM settings. */
    ChildProcess startWorkerTool(String name, String mainClass, List<String> args) throws IOException {
        List<String> main = new ArrayList<>();
        main.add(mainClass);
        main.addAll(args);
        return child(name, workerJvm(), main, commonEnvironment(), config.dataDir().resolve("logs"));
    }

    private synchronized ChildProcess child(String name, List<String> jvm, List<String> main, Map<String, String> env, Path logs)
            throws IOException {
        ChildProcess process = ChildProcess.start(name, jvm, main, env, logs);
        running.push(process);
        return process;
    }

    private ChildProcess supervised(String name, List<String> jvm, List<String> main, Map<String, String> env, Path logs)
            throws IOException {
        ChildProcess process = child(name, jvm, main, env, logs);
        supervisor.supervise(process);
        return process;
    }

    private Map<String, String> commonEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("KINFER_BOOTSTRAP_SERVERS", kafkaConnection.bootstrapServers());
        env.put("KINFER_REGISTRY_URL", registryUrl());
        env.put("KINFER_S3_ENDPOINT", s3Endpoint);
        env.put("KINFER_S3_ACCESS_KEY", secrets.s3AccessKey());
        env.put("KINFER_S3_SECRET_KEY", secrets.s3SecretKey());
        env.put("KINFER_S3_BUCKET", BUCKET);
        return env;
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(base);
        env.putAll(extra);
        return env;
    }

    private List<String> serviceJvm(String module, String heap) throws IOException {
        return List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-cp", classpath(module));
    }

    private List<String> workerJvm() throws IOException {
        return List.of("-Xmx2g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-DDJL_CACHE_DIR=" + config.cacheDir().resolve("djl"), "-cp", classpath("inference-worker"));
    }

    /** A built module's classes plus its runtime dependencies, as Maven resolved them. */
    private String classpath(String module) throws IOException {
        Path target = config.home().resolve(module).resolve("target");
        Path dependencies = target.resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(dependencies)) {
            throw new IllegalStateException(module + " is not built (no " + dependencies + "): run ./mvnw -DskipTests package");
        }
        return target.resolve("classes") + java.io.File.pathSeparator + Files.readString(dependencies).trim();
    }

    private Path registryJar() throws IOException {
        Path target = config.home().resolve("schema-registry").resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("schema-registry is not built: run ./mvnw -DskipTests package"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("schema-registry is not built: run ./mvnw -DskipTests package");
        }
    }

    /** Apicurio starts with compatibility NONE; kinfer's schemas evolve under BACKWARD. */
    /** Apicurio starts with compatibility NONE; kinfer's schemas evolve under BACKWARD (the local stack, compose's init). */
    static void requireBackwardCompatibility(String registryUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registryUrl.replaceAll("/+$", "") + "/config"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("cannot set the registry's compatibility to BACKWARD: " + response.statusCode() + " " + response.body());
        }
    }

    String apiUrl() {
        return "http://127.0.0.1:" + config.ports().http();
    }

    String sinkUrl() {
        return "http://127.0.0.1:" + config.ports().sink();
    }

    /** ingest-api's Prometheus endpoint; it answers admins only (the development key is one). */
    String apiMetricsUrl() {
        return apiUrl() + "/metrics";
    }

    /** result-sink's Prometheus endpoint (open: result-sink is not exposed beyond the stack). */
    String sinkMetricsUrl() {
        return sinkUrl() + "/metrics";
    }

    String registryUrl() {
        return registryUrl(config.ports().registry());
    }

    /** The registry's Confluent-compatible API on this machine's {@code port}. */
    static String registryUrl(int port) {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    String bootstrapServers() {
        return kafkaConnection.bootstrapServers();
    }

    /** The stack's own connection to its broker (the PLAINTEXT listener), for clients of kinfer's modules. */
    KafkaConnection kafkaConnection() {
        return kafkaConnection;
    }

    /** The SASL_PLAINTEXT SCRAM-SHA-256 listener of {@link #startInfrastructure(StackConfig, int)}. */
    String scramBootstrapServers() {
        return "127.0.0.1:" + scramPort.orElseThrow(() -> new IllegalStateException("this stack's broker has no SCRAM listener"));
    }

    String s3Endpoint() {
        return s3Endpoint;
    }

    /** The stack's object store, as its services reach it. */
    StoreConfig storeConfig() {
        return new StoreConfig(s3Endpoint, "us-east-1", secrets.s3AccessKey(), secrets.s3SecretKey(), BUCKET);
    }

    /** A Kafka-native client of this stack whose jobs belong to {@code tenant}; makes kinfer.results as the services do. */
    KinferClient client(String tenant) {
        try (Admin admin = Admin.create(kafkaConnection.clientConfig(Map.of()))) {
            TopicAdmin.ensure(admin, List.of(TopicAdmin.Spec.of(Topics.RESULTS, RESULT_PARTITIONS)), Duration.ofSeconds(30));
        }
        return KinferClient.builder().kafka(kafkaConnection).registry(RegistryConnection.to(registryUrl())).store(storeConfig())
                .tenant(tenant).build();
    }

    /** The development API key (admin of tenant {@value DevKey#TENANT}), or null when authentication is off. */
    String apiKey() {
        return apiKey;
    }

    /** The webhook signing secret ({@code whsec_...}) of the tenant this stack's clients act for. */
    String webhookSecret() {
        return webhookSecret;
    }

    Secrets secrets() {
        return secrets;
    }

    /** Fault-test hook: the broker, to stop and start again mid-run. */
    EmbeddedKafka kafka() {
        return kafka;
    }

    /** Fault-test hook: the S3 server, to stop and start again mid-run. */
    EmbeddedS3 s3() {
        return s3;
    }

    /** Fault-test hook: the (supervised) schema registry; {@link ChildProcess#kill()} on it is a crash. */
    ChildProcess registry() {
        return registry;
    }

    /** Stops everything started, in reverse order; safe to call more than once and from several threads. */
    @Override
    public synchronized void close() {
        supervisor.close(); // what exits from now on is being stopped
        while (!running.isEmpty()) {
            AutoCloseable next = running.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", next, e.toString());
            }
        }
    }
}
