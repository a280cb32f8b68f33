package dev.kinfer.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API. Ids and schemas are cached: a schema is registered
 * once per subject and process, and a writer schema is fetched once per id. Credentials and the CA to trust come
 * from its {@link RegistryConnection}; every call carries the credentials (no challenge round trip).
 */
public final class SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REGISTER_ATTEMPTS = 3;
    private static final Duration RACE_BACKOFF = Duration.ofMillis(100);

    private final URI baseUrl;
    private final Optional<String> authorization;
    private final HttpClient http;
    // Keyed by Schema (whose hash Avro caches), not by its JSON: this lookup runs for every record produced.
    private final Map<String, Map<Schema, Integer>> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /** An open registry, e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}. */
    public SchemaRegistryClient(String baseUrl) {
        this(RegistryConnection.to(baseUrl));
    }

    public SchemaRegistryClient(RegistryConnection connection) {
        this.baseUrl = connection.url();
        this.authorization = connection.authorization();
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        connection.sslContext().ifPresent(http::sslContext);
        this.http = http.build();
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idBySubjectAndSchema.computeIfAbsent(subject, ignored -> new ConcurrentHashMap<>());
        return ids.computeIfAbsent(schema, ignored -> {
            JsonNode body = registerRacing(subject, schema);
            int id = body.get("id").asInt();
            schemaById.putIfAbsent(id, schema);
            return id;
        });
    }

    /**
     * Apicurio answers 409 ("already exists") to the loser of two concurrent first registrations of one subject; the
     * registration is idempotent, so asking again returns the winner's id. A lasting 409 (an incompatible schema)
     * still fails after {@link #REGISTER_ATTEMPTS}.
     */
    private JsonNode registerRacing(String subject, Schema schema) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call("POST", "subjects/" + subject + "/versions", Map.of("schema", schema.toString()));
            } catch (SchemaRegistryException e) {
                if (e.status() != 409 || attempt == REGISTER_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(RACE_BACKOFF.multipliedBy(attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The schema with this global id, as the writer of a record wrote it. */
    public Schema schemaById(int id) {
        return schemaById.computeIfAbsent(id, ignored -> {
            JsonNode body = call("GET", "schemas/ids/" + id, null);
            return new Schema.Parser().parse(body.get("schema").asText());
        });
    }

    /** Sets a subject's compatibility level, e.g. {@code BACKWARD}. */
    public void setCompatibility(String subject, String level) {
        call("PUT", "config/" + subject, Map.of("compatibility", level));
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject} under its compatibility rule. */
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode body = call("POST", "compatibility/subjects/" + subject + "/versions/latest", Map.of("schema", schema.toString()));
        return body.path("is_compatible").asBoolean(false);
    }

    private JsonNode call(String method, String path, Object body) {
        URI uri = baseUrl.resolve(path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Accept", CONTENT_TYPE);
            authorization.ifPresent(value -> request.header("Authorization", value));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            // Apicurio answers some errors with error_code 0, so the HTTP status is what decides.
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException("schema registry at " + baseUrl + " answered " + response.statusCode()
                        + " to " + method + " /" + path + ": " + response.body(), response.statusCode(), null);
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " is unreachable (" + method + " /" + path
                    + "): " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry", 0, e);
        }
    }
}
