package dev.kinfer.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serde against a real Confluent-compatible registry, cross-checked with Apicurio's own serde. */
class AvroSerdeIT {
    private static LocalRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start();
        client = new SchemaRegistryClient(registry.confluentUrl());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    private static InferenceRequest request(String id) {
        return InferenceRequest.newBuilder()
                .setRequestId(id).setTenant("acme").setModel("remove-background")
                .setInputs(List.of(new ImageRef("s3://kinfer/images/ab", "ab", "image/png", 640, 480, 1234L)))
                .setParams(Map.of("topK", "5"))
                .setCallback(new Callback("https://example.org/hook", "default"))
                .setSubmittedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setCacheKey("ck").build();
    }

    @Test
    void shouldWriteTheConfluentWireFormatAndReadItBack() {
        InferenceRequest sent = request("r1");
        byte[] bytes = new AvroSerializer<InferenceRequest>(client).serialize("kinfer.requests.wire", sent);

        ByteBuffer header = ByteBuffer.wrap(bytes);
        assertThat(header.get()).isZero();
        int id = header.getInt();
        assertThat(id).isEqualTo(client.register("kinfer.requests.wire-value", InferenceRequest.getClassSchema()));
        assertThat(new AvroDeserializer<>(client, InferenceRequest.class).deserialize("kinfer.requests.wire", bytes)).isEqualTo(sent);
    }

    @Test
    void shouldMatchApicurioSerdeInConfluentModeByteForByte() {
        String topic = "kinfer.requests.crosscheck";
        InferenceRequest sent = request("r2");
        Map<String, Object> apicurio = Map.of(
                SerdeConfig.REGISTRY_URL, registry.apicurioUrl(),
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
                SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true,
                SerdeConfig.ENABLE_HEADERS, false,
                SerdeConfig.USE_ID, "contentId",
                AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        byte[] ours = new AvroSerializer<InferenceRequest>(client).serialize(topic, sent);
        try (AvroKafkaSerializer<InferenceRequest> theirSerializer = new AvroKafkaSerializer<>();
             AvroKafkaDeserializer<InferenceRequest> theirDeserializer = new AvroKafkaDeserializer<>()) {
            theirSerializer.configure(apicurio, false);
            theirDeserializer.configure(apicurio, false);

            byte[] theirs = theirSerializer.serialize(topic, sent);

            assertThat(theirs).isEqualTo(ours);
            assertThat(theirDeserializer.deserialize(topic, ours)).isEqualTo(sent);
            assertThat(new AvroDeserializer<>(client, InferenceRequest.class).deserialize(topic, theirs)).isEqualTo(sent);
        }
    }

    @Test
    void shouldAcceptBackwardCompatibleEvolutionAndRefuseTheRest() {
        String subject = "kinfer.requests.evolution-value";
        client.setCompatibility(subject, "BACKWARD");
        client.register(subject, InferenceRequest.getClassSchema());

        Schema withOptionalField = extend(InferenceRequest.getClassSchema(), "region", true);
        Schema withRequiredField = extend(InferenceRequest.getClassSchema(), "region", false);

        assertThat(client.isCompatible(subject, withOptionalField)).isTrue();
        assertThat(client.isCompatible(subject, withRequiredField)).isFalse();
    }

    @Test
    void shouldExplainRecordsThatAreNotInTheWireFormat() {
        AvroDeserializer<InferenceRequest> deserializer = new AvroDeserializer<>(client, InferenceRequest.class);

        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("magic byte");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0x7f, 0, 0, 1, 2}))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("404");
    }

    @Test
    void shouldSayClearlyWhenTheRegistryIsUnreachable() {
        SchemaRegistryClient down = new SchemaRegistryClient("http://127.0.0.1:1");

        assertThatThrownBy(() -> new AvroSerializer<InferenceRequest>(down).serialize("t", request("r3")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("unreachable");
    }

    /** The schema with one more string field, with or without a default. */
    private static Schema extend(Schema schema, String field, boolean withDefault) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        Schema string = Schema.create(Schema.Type.STRING);
        fields.add(withDefault ? new Schema.Field(field, string, null, "eu") : new Schema.Field(field, string, null, (Object) null));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
