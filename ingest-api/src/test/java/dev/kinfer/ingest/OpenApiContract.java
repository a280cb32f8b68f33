package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI document as the tests read it: its JSON, and a JSON Schema 2020-12 validator (networknt, with the OAS
 * 3.1 dialect) for its component schemas, whose {@code $ref}s resolve inside the document.
 */
final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The name the document goes by for the validator: never fetched, the loader answers it from memory. */
    private static final String BASE = "https://kinfer.dev/openapi.json";
    /**
     * The OAS 3.1 dialect, also knowing the document's own top-level fields: the validator loads the whole document to
     * reach a schema inside it, and would otherwise warn of each as an unknown keyword.
     */
    private static final JsonMetaSchema DIALECT = JsonMetaSchema.builder(OpenApi31.getInstance())
            .keywords(List.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags")
                    .stream().map(NonValidationKeyword::new).toList())
            .build();

    private final JsonNode document;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    OpenApiContract(String text) {
        try {
            this.document = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .metaSchema(DIALECT)
                .defaultMetaSchemaIri(DIALECT.getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(BASE, text))));
    }

    static OpenApiContract fromClasspath() {
        return new OpenApiContract(new String(ApiDocs.resource("openapi.json"), StandardCharsets.UTF_8));
    }

    JsonNode document() {
        return document;
    }

    /** The node a local {@code $ref} ({@code #/components/...}) names; missing if none. */
    JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("not a reference inside the document: " + ref);
        }
        return document.at(ref.substring(1));
    }

    /** The node itself, or what its {@code $ref} names (references to references followed). */
    JsonNode deref(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            if (hops > 10) {
                throw new IllegalStateException("reference cycle at " + node);
            }
            current = resolve(current.path("$ref").asText());
        }
        return current;
    }

    /** What is wrong with {@code value} as an instance of the schema at {@code ref} ({@code #/components/schemas/X}). */
    List<String> violations(String ref, JsonNode value) {
        return factory.getSchema(SchemaLocation.of(BASE + ref), config).validate(value).stream()
                .map(ValidationMessage::toString).sorted().toList();
    }
}
