package dev.kinfer.stack;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./kinfer replay --model M --from T [--to T] [--version V]}: {@link Replay} from the command line. It talks
 * to Kafka, the registry and S3 itself, with the services' own settings ({@code KINFER_BOOTSTRAP_SERVERS},
 * {@code KINFER_REGISTRY_URL}, {@code KINFER_S3_*}); without them, to the local stack of {@code --data-dir}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Send a model's past requests again to a chosen version, results on a topic of their own, and compare them "
                + "with the original results.")
final class ReplayCommand implements Callable<Integer> {
    private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--model", required = true, description = "The model whose requests are replayed.")
    String model;
    @Option(names = "--from", required = true, converter = TimeConverter.class,
            description = "Start of the span: an instant (2026-11-23T09:00:00Z) or a time ago (90s, 30m, 2h, 1d).")
    Instant from;
    @Option(names = "--to", defaultValue = "now", converter = TimeConverter.class, description = "End of the span (default: now).")
    Instant to;
    @Option(names = "--version", description = "The version to replay on (default: the current one).")
    String version;
    @Option(names = "--run", description = "Names the run and its result topic kinfer.results.replay.<run> (default: the time now).")
    String run;
    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long the whole run may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--data-dir", defaultValue = ".kinfer",
            description = "The local stack's data, for its S3 credentials when KINFER_S3_* are not set (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        try {
            Map<String, String> env = connectionSettings(System.getenv(), dataDir);
            Replay.Options options = new Replay.Options(model, from, to, version,
                    run != null ? run : RUN_NAME.format(Instant.now()), timeout);
            Replay replay = new Replay(KafkaConnection.fromEnvironment(env), RegistryConnection.fromEnvironment(env),
                    StoreConfig.fromEnvironment(env));
            System.out.print(Replay.report(options, replay.run(options)));
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("kinfer: " + e.getMessage());
            return 1;
        }
    }

    /** The environment's settings, and the local stack's (on its default ports) for what the environment does not set. */
    static Map<String, String> connectionSettings(Map<String, String> env, Path dataDir) throws IOException {
        Map<String, String> settings = new HashMap<>(env);
        StackConfig.Ports local = StackConfig.Ports.defaults();
        settings.putIfAbsent(KafkaConnection.BOOTSTRAP_SERVERS.name(), "127.0.0.1:" + local.kafka());
        settings.putIfAbsent(RegistryConnection.URL.name(), LocalStack.registryUrl(local.registry()));
        if (!settings.containsKey(StoreConfig.ACCESS_KEY.name())) {
            Secrets secrets = Secrets.find(dataDir.toAbsolutePath()).orElseThrow(() -> new IllegalArgumentException(
                    "set KINFER_S3_ENDPOINT, KINFER_S3_ACCESS_KEY and KINFER_S3_SECRET_KEY, or run where the local stack's "
                            + dataDir + "/secrets.properties is"));
            settings.putIfAbsent(StoreConfig.ENDPOINT.name(), "http://127.0.0.1:" + local.s3());
            settings.put(StoreConfig.ACCESS_KEY.name(), secrets.s3AccessKey());
            settings.put(StoreConfig.SECRET_KEY.name(), secrets.s3SecretKey());
        }
        return settings;
    }

    /** An instant, or a time ago: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}; or {@code now}. */
    static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            if (value.equals("now")) {
                return Instant.now();
            }
            Matcher ago = DurationConverter.SPAN.matcher(value);
            if (ago.matches()) {
                return Instant.now().minus(DurationConverter.of(Long.parseLong(ago.group(1)), ago.group(2)));
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is neither an instant (2026-11-23T09:00:00Z) nor a time ago (30m)");
            }
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SPAN = Pattern.compile("(\\d+)([smhd])");

        @Override
        public Duration convert(String value) {
            Matcher span = SPAN.matcher(value);
            if (!span.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 90s, 10m, 2h or 1d");
            }
            return of(Long.parseLong(span.group(1)), span.group(2));
        }

        static Duration of(long amount, String unit) {
            return switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }
}
