package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.schemas.KafkaConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The one-shot jobs of the container deployment ({@code docker-compose.yml}), run from the {@code kinfer/stack}
 * image: {@code init} makes what the local stack makes when it starts (registry compatibility, the demo tenant's
 * admin key and webhook secret, kept in a secrets directory that survives restarts), {@code deploy-demo-models}
 * deploys the demo models through ingest-api's admin API unless they are deployed already, and
 * {@code group-members} lists the members of a consumer group (what {@code kafka-consumer-groups --describe
 * --members} shows). Kafka is reached as the services reach it: {@code KINFER_BOOTSTRAP_SERVERS},
 * {@code KINFER_KAFKA_*}.
 */
@Command(name = "compose-tasks", mixinStandardHelpOptions = true, description = "One-shot jobs of the container deployment.",
        subcommands = {ComposeTasks.Init.class, ComposeTasks.DeployDemoModels.class, ComposeTasks.GroupMembers.class})
public final class ComposeTasks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ComposeTasks()).execute(args));
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Set the registry's compatibility to BACKWARD, make the model catalogue's topic, make (or keep) the demo tenant's admin key and webhook secret.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--secrets-dir", required = true, description = "Where api-key and webhook-secret are kept (owner-only files).")
        Path secretsDir;
        @Option(names = "--registry-url", required = true, description = "The registry's Confluent API, e.g. http://schema-registry:8081/apis/ccompat/v7.")
        String registryUrl;

        @Override
        public Integer call() throws Exception {
            LocalStack.requireBackwardCompatibility(registryUrl);
            Files.createDirectories(secretsDir);
            KafkaConnection kafka = KafkaConnection.fromEnvironment(System.getenv());
            ModelDeployer.ensureTopic(kafka); // before any worker starts, so workers find it at its size (one partition)
            DevKey.ensure(secretsDir, kafka);
            DevWebhookSecret.ensure(secretsDir, kafka, DevKey.TENANT);
            System.out.println("registry compatibility BACKWARD; admin key of tenant '" + DevKey.TENANT + "' in " + secretsDir.resolve("api-key")
                    + ", its webhook secret in " + secretsDir.resolve("webhook-secret"));
            return 0;
        }
    }

    @Command(name = "deploy-demo-models", mixinStandardHelpOptions = true,
            description = "Deploy every model directory under --models-dir whose name:version is not deployed yet, through ingest-api.")
    static final class DeployDemoModels implements Callable<Integer> {
        @Option(names = "--models-dir", required = true, description = "Directories holding manifest.json beside the artifact (./kinfer up's cache/models).")
        Path modelsDir;
        @Option(names = "--api-url", required = true, description = "ingest-api, e.g. http://ingest-api:8080.")
        String apiUrl;
        @Option(names = "--secrets-dir", required = true, description = "Holds api-key, an admin key (made by init).")
        Path secretsDir;

        @Override
        public Integer call() throws Exception {
            List<Path> dirs;
            try (var listing = Files.list(modelsDir)) {
                dirs = listing.filter(Files::isDirectory).sorted().toList();
            } catch (IOException e) {
                dirs = List.of();
            }
            // A directory this user cannot read would look like one without a model: say so instead of skipping it.
            List<Path> unreadable = dirs.stream().filter(d -> !Files.isReadable(d) || !Files.isExecutable(d)).toList();
            if (!unreadable.isEmpty()) {
                System.err.println("kinfer: cannot read " + unreadable + ": owner-only directories of another user?");
                return 1;
            }
            dirs = dirs.stream().filter(d -> Files.isRegularFile(d.resolve(ModelManifest.FILE_NAME))).toList();
            if (dirs.isEmpty()) {
                System.err.println("kinfer: no model directory under " + modelsDir + ". The demo models are made by the build's tests"
                        + " (./mvnw verify) or the first ./kinfer up, in .kinfer/cache/models (KINFER_DEMO_MODELS in docker-compose.yml)");
                return 1;
            }
            String key = Files.readString(secretsDir.resolve("api-key")).strip();
            HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(apiUrl.replaceAll("/+$", "") + "/v1/models"))
                    .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (listed.statusCode() != 200) {
                System.err.println("kinfer: listing models failed: " + listed.statusCode() + " " + listed.body());
                return 1;
            }
            Set<String> deployed = new HashSet<>();
            for (JsonNode model : JSON.readTree(listed.body()).path("models")) {
                model.path("versions").forEach(v -> deployed.add(model.path("name").asText() + ":" + v.path("version").asText()));
            }
            int failed = 0;
            for (Path dir : dirs) {
                ModelManifest manifest = ModelManifest.read(dir);
                String id = manifest.name() + ":" + manifest.version();
                if (deployed.contains(id)) {
                    System.out.println(id + " is deployed already");
                    continue;
                }
                // The operator's own command, with the key init made.
                int rc = new CommandLine(new ModelsCommand()).execute("deploy", "--api-url", apiUrl, "--data-dir", secretsDir.toString(), dir.toString());
                failed += rc == 0 ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "group-members", mixinStandardHelpOptions = true,
            description = "The members of a consumer group, one line each (client id, host), then their count.")
    static final class GroupMembers implements Callable<Integer> {
        @Parameters(paramLabel = "GROUP", description = "e.g. kinfer-worker-remove-background")
        String group;

        @Override
        public Integer call() throws Exception {
            KafkaConnection kafka = KafkaConnection.fromEnvironment(System.getenv());
            try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                for (MemberDescription member : description.members()) {
                    System.out.println(member.clientId() + " " + member.host() + " partitions=" + member.assignment().topicPartitions().size());
                }
                System.out.println("members=" + description.members().size() + " state=" + description.groupState());
            }
            return 0;
        }
    }
}
