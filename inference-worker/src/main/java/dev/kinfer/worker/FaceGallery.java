package dev.kinfer.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.CompactedTopicReader;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The registered faces, per tenant, as {@code kinfer.faces} holds them: every face worker reads the whole
 * compacted topic and keeps it in memory (a descriptor is 128 floats, so a million faces is half a gigabyte);
 * registrations are written by the worker that computed them, in the transaction of the registering request.
 */
final class FaceGallery implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<String, float[]>> tenants = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    FaceGallery(KafkaConnection kafka) {
        TopicAdmin.ensureCompacted(kafka, Topics.FACES);
        reader = new CompactedTopicReader(kafka, Topics.FACES, this::apply);
    }

    /** The tenant's registered faces by subject (a live view). */
    Map<String, float[]> of(String tenant) {
        return tenants.getOrDefault(tenant, Map.of());
    }

    /** The record that registers (or replaces) a subject's face. */
    static ProducerRecord<String, byte[]> registration(String tenant, String subject, float[] descriptor) {
        ObjectNode value = JSON.createObjectNode();
        ArrayNode values = value.putArray("descriptor");
        for (float v : descriptor) {
            values.add(v);
        }
        try {
            return new ProducerRecord<>(Topics.FACES, tenant + "/" + subject, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        int slash = record.key().indexOf('/');
        String tenant = record.key().substring(0, slash);
        String subject = record.key().substring(slash + 1);
        if (record.value() == null) {
            tenants.computeIfPresent(tenant, (t, faces) -> {
                faces.remove(subject);
                return faces;
            });
            return;
        }
        JsonNode descriptor;
        try {
            descriptor = JSON.readTree(record.value()).path("descriptor");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        float[] values = new float[descriptor.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) descriptor.get(i).asDouble();
        }
        tenants.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(subject, values);
    }

    @Override
    public void close() {
        reader.close();
    }
}
