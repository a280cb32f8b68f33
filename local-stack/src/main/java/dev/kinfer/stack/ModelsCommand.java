package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.catalog.CatalogNames;
import dev.kinfer.catalog.ModelManifest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./kinfer models list | deploy <dir> | undeploy <name>[:<version>]}: the models of a running kinfer, through
 * its ingest-api (the local stack's by default): {@code list} reads {@code GET /v1/models}, {@code deploy} and
 * {@code undeploy} call the admin routes with an admin API key, so an operator needs no Kafka or S3 credentials.
 * Workers serving a model pick the change up without a restart.
 */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List, deploy and undeploy model versions.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Deploy.class, ModelsCommand.Undeploy.class})
final class ModelsCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A refusal: the request was understood and declined (bad manifest, not deployed, not an admin key). */
    private static final int REFUSED = 2;
    private static final int FAILED = 1;

    /** Where ingest-api is and the API key to call it with: the local stack's, unless told otherwise. */
    static final class Api {
        static final String KEY_VARIABLE = "KINFER_API_KEY";

        @Option(names = "--api-url", defaultValue = "http://127.0.0.1:8080", description = "ingest-api (default: ${DEFAULT-VALUE}).")
        URI url;
        @Option(names = "--api-key", description = "An admin API key for deploy and undeploy (default: $" + KEY_VARIABLE
                + ", else the local stack's development key in <data-dir>/api-key).")
        String key;
        @Option(names = "--data-dir", defaultValue = ".kinfer", description = "The local stack's data, for its development key (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        /** The flag's key, else the environment's, else the local stack's development key; null if none. */
        String key(Map<String, String> env) throws IOException {
            if (key != null && !key.isBlank()) {
                return key.strip();
            }
            String fromEnv = env.get(KEY_VARIABLE);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.strip();
            }
            Path file = dataDir.resolve("api-key");
            return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            String apiKey = key(System.getenv());
            if (apiKey != null) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            return http.send(request.timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/+$", "") + path));
        }
    }

    /** Says what the API answered instead, and returns the exit status: {@value #REFUSED} for a refusal (4xx). */
    private static int refused(String what, HttpResponse<String> response) {
        String detail = response.body();
        try {
            JsonNode problem = JSON.readTree(response.body());
            if (problem.hasNonNull("detail")) {
                detail = problem.path("code").asText() + ": " + problem.path("detail").asText();
            }
        } catch (IOException e) {
            // not problem+json: the body as it came
        }
        System.err.println("kinfer: " + what + " refused (HTTP " + response.statusCode() + ") " + detail);
        return response.statusCode() >= 400 && response.statusCode() < 500 ? REFUSED : FAILED;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The deployed versions of the models requests can be sent to, newest first.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        Api api;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = api.send(api.request("/v1/models"));
            if (response.statusCode() != 200) {
                return refused("listing models", response);
            }
            JsonNode models = JSON.readTree(response.body()).path("models");
            System.out.printf("%-22s %-30s %-18s %-12s %s%n", "MODEL", "VERSION", "TASK", "ENGINE", "DEPLOYED");
            int rows = 0;
            for (JsonNode model : models) {
                for (JsonNode version : model.path("versions")) {
                    System.out.printf("%-22s %-30s %-18s %-12s %s%n", model.path("name").asText(), version.path("version").asText(),
                            model.path("task").asText(), version.path("engine").asText(), version.path("deployedAt").asText());
                    rows++;
                }
            }
            if (rows == 0) {
                System.out.println("(no model deployed)");
            }
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy the model in a directory (manifest.json beside its artifact) with an admin key; serving workers load it, warm it up and switch to it.")
    static final class Deploy implements Callable<Integer> {
        @Mixin
        Api api;
        @Parameters(paramLabel = "DIR", description = "The model directory.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path manifest = dir.resolve(ModelManifest.FILE_NAME);
            if (!Files.isRegularFile(manifest)) {
                System.err.println("kinfer: " + manifest + " is missing");
                return REFUSED;
            }
            List<Path> files;
            try (var listing = Files.list(dir)) {
                files = listing.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(ModelManifest.FILE_NAME))
                        .sorted().toList();
            }
            List<String> unsafe = files.stream().map(f -> f.getFileName().toString())
                    .filter(name -> !CatalogNames.FILE_NAME.matcher(name).matches()).toList();
            if (!unsafe.isEmpty()) {
                System.err.println("kinfer: " + unsafe + " in " + dir + " are not plain file names (" + CatalogNames.FILE_NAME
                        + "); every file beside the manifest is deployed");
                return REFUSED;
            }
            Multipart form = new Multipart();
            form.file("manifest", ModelManifest.FILE_NAME, manifest);
            for (Path file : files) {
                form.file("file", file.getFileName().toString(), file);
            }
            HttpResponse<String> response = api.send(api.request("/v1/admin/models")
                    .header("Content-Type", form.contentType()).POST(form.body()));
            if (response.statusCode() != 201) {
                return refused("deploying " + dir, response);
            }
            JsonNode entry = JSON.readTree(response.body());
            System.out.println("deployed " + entry.at("/manifest/name").asText() + ":" + entry.at("/manifest/version").asText()
                    + " (" + entry.path("files").size() + " files)");
            return 0;
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true,
            description = "Undeploy one version (name:version) or every version (name) of a model, with an admin key.")
    static final class Undeploy implements Callable<Integer> {
        @Mixin
        Api api;
        @Parameters(paramLabel = "NAME[:VERSION]")
        String target;

        @Override
        public Integer call() throws Exception {
            String name = target.contains(":") ? target.substring(0, target.indexOf(':')) : target;
            List<String> versions = new ArrayList<>();
            if (target.contains(":")) {
                versions.add(target.substring(target.indexOf(':') + 1));
            } else {
                HttpResponse<String> model = api.send(api.request("/v1/models/" + segment(name)));
                if (model.statusCode() != 200) {
                    return refused("finding the versions of " + name, model);
                }
                JSON.readTree(model.body()).path("versions").forEach(v -> versions.add(v.path("version").asText()));
                if (versions.isEmpty()) {
                    System.err.println("kinfer: " + name + " is not deployed");
                    return REFUSED;
                }
            }
            for (String version : versions) {
                HttpResponse<String> response = api.send(api.request("/v1/admin/models/" + segment(name) + "/versions/" + segment(version))
                        .DELETE());
                if (response.statusCode() != 204) {
                    return refused("undeploying " + name + ":" + version, response);
                }
                System.out.println("undeployed " + name + ":" + version);
            }
            return 0;
        }
    }

    /** A multipart/form-data body whose files are read from disk as it is sent, never held in memory. */
    private static final class Multipart {
        private final String boundary = "kinfer-" + UUID.randomUUID();
        private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

        void file(String part, String filename, Path file) throws IOException {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part
                    + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n", StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofFile(file));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n", StandardCharsets.UTF_8));
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        HttpRequest.BodyPublisher body() {
            List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
            all.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.UTF_8));
            return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
        }
    }
}
