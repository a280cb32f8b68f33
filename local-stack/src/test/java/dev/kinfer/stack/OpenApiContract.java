package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.1 document as a client's contract: which documented operation a request is, and whether a real
 * response is one the document allows for it (a documented status, content type, required headers, and a body that
 * validates against the schema). JSON Schema 2020-12 validation by networknt, in the OAS 3.1 dialect; the schemas'
 * {@code $ref}s resolve inside the document.
 */
final class OpenApiContract {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace", "query");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The name the document goes by for the validator: never fetched, the loader answers it from memory. */
    private static final String BASE = "https://kinfer.dev/openapi.json";
    /** The OAS 3.1 dialect, also knowing the document's top-level fields (the validator loads the whole document). */
    private static final JsonMetaSchema DIALECT = JsonMetaSchema.builder(OpenApi31.getInstance())
            .keywords(List.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags")
                    .stream().map(NonValidationKeyword::new).toList())
            .build();
    private static final Set<String> JSON_MEDIA_TYPES = Set.of("application/json", "application/problem+json");

    private final JsonNode document;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    /** A documented operation: method (upper case), path template, and its OpenAPI object. */
    record Operation(String method, String template, JsonNode spec) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    OpenApiContract(String text) {
        try {
            this.document = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .metaSchema(DIALECT).defaultMetaSchemaIri(DIALECT.getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(BASE, text))));
    }

    JsonNode document() {
        return document;
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (METHODS.contains(entry.getKey())) {
                operations.add(new Operation(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), entry.getValue()));
            }
        }));
        return operations;
    }

    /**
     * The operation a request is: the same method and a template that matches the path; where several match, the one
     * with the most literal characters (so {@code /v1/models/{model}:predict} wins over {@code /v1/models/{model}}).
     */
    Optional<Operation> operation(String method, String path) {
        return operations().stream().filter(op -> op.method().equalsIgnoreCase(method) && pattern(op.template()).matcher(path).matches())
                .max(Comparator.comparingInt(op -> op.template().replaceAll("\\{[^}/]+}", "").length()));
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** The node a local {@code $ref} names (references to references followed), or the node itself. */
    JsonNode deref(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            String ref = current.path("$ref").asText();
            if (hops > 10 || !ref.startsWith("#/")) {
                throw new IllegalStateException("cannot follow " + ref);
            }
            current = document.at(ref.substring(1));
        }
        return current;
    }

    /** What is wrong with {@code value} as an instance of the schema at {@code ref} ({@code #/components/...}). */
    List<String> violations(String ref, JsonNode value) {
        return factory.getSchema(SchemaLocation.of(BASE + ref), config).validate(value).stream()
                .map(ValidationMessage::toString).sorted().toList();
    }

    /**
     * Everything in which {@code response} to {@code method} {@code uri} departs from the document: no such operation,
     * an undocumented status or content type, a required header missing or malformed, a body that does not validate.
     * Empty if it is an answer the document describes.
     */
    List<String> check(String method, URI uri, HttpResponse<String> response) {
        String name = method + " " + uri.getPath() + " -> " + response.statusCode();
        Optional<Operation> operation = operation(method, uri.getPath());
        if (operation.isEmpty()) {
            return List.of(name + ": no documented operation");
        }
        JsonNode responses = operation.get().spec().path("responses");
        String status = Integer.toString(response.statusCode());
        JsonNode documented = responses.has(status) ? responses.path(status)
                : responses.has(status.charAt(0) + "XX") ? responses.path(status.charAt(0) + "XX") : responses.path("default");
        if (documented.isMissingNode()) {
            return List.of(name + ": status not documented for " + operation.get());
        }
        List<String> problems = new ArrayList<>();
        JsonNode spec = deref(documented);
        spec.path("headers").properties().forEach(header -> problems.addAll(header(name, header.getKey(), header.getValue(), response)));
        String body = response.body();
        if (!spec.has("content")) {
            if (body != null && !body.isEmpty()) {
                problems.add(name + ": a body where the document has none");
            }
            return problems;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String mediaType = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        JsonNode media = spec.path("content").path(mediaType);
        if (media.isMissingNode()) {
            problems.add(name + ": content type " + contentType + " is not one of " + iterable(spec.path("content").fieldNames()));
            return problems;
        }
        if (JSON_MEDIA_TYPES.contains(mediaType)) {
            String ref = media.at("/schema/$ref").asText();
            try {
                violations(ref, JSON.readTree(body)).forEach(v -> problems.add(name + ": " + ref + " " + v));
            } catch (IOException e) {
                problems.add(name + ": the body is not JSON: " + e.getMessage());
            }
        }
        return problems;
    }

    private List<String> header(String name, String header, JsonNode reference, HttpResponse<String> response) {
        JsonNode spec = deref(reference);
        Optional<String> value = response.headers().firstValue(header);
        if (value.isEmpty()) {
            return spec.path("required").asBoolean() ? List.of(name + ": required header " + header + " missing") : List.of();
        }
        if (!reference.has("$ref")) {
            return List.of();
        }
        String schemaRef = reference.path("$ref").asText() + "/schema";
        JsonNode schema = deref(reference).path("schema");
        JsonNode instance;
        if (schema.path("type").asText().equals("integer")) {
            try {
                instance = LongNode.valueOf(Long.parseLong(value.get().strip()));
            } catch (NumberFormatException e) {
                return List.of(name + ": header " + header + " '" + value.get() + "' is not an integer");
            }
        } else {
            instance = TextNode.valueOf(value.get());
        }
        return violations(schemaRef, instance).stream().map(v -> name + ": header " + header + " " + v).toList();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
