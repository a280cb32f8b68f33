package dev.kinfer.catalog;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Deploys and undeploys model versions: the files of a validated model directory go to the object store first,
 * then one record to {@code kinfer.models}, so a reader never sees a version whose files are not there yet.
 */
public final class ModelDeployer implements AutoCloseable {
    private final ObjectStore store;
    private final KafkaProducer<String, byte[]> producer;

    public ModelDeployer(KafkaConnection kafka, ObjectStore store) {
        this.store = store;
        ensureTopic(kafka);
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates {@code kinfer.models} (compacted, one partition: one order for every change) if it is missing. */
    public static void ensureTopic(KafkaConnection kafka) {
        TopicAdmin.ensureCompacted(kafka, Topics.MODELS);
    }

    /**
     * Uploads the directory's files and publishes the version; the manifest and every file name are validated
     * first (files are plain names beside the manifest; subdirectories are not deployed).
     */
    public CatalogEntry deploy(Path modelDir) {
        ModelManifest manifest = ModelManifest.read(modelDir);
        List<Path> files;
        try (var listing = Files.list(modelDir)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelDir, e);
        }
        CatalogEntry entry = new CatalogEntry(manifest, files.stream().map(f -> f.getFileName().toString()).toList(),
                System.currentTimeMillis());
        // Held to the rules every reader applies, before anything is uploaded: workers would skip it otherwise.
        List<String> problems = entry.problems();
        if (!problems.isEmpty()) {
            throw new InvalidManifestException("cannot deploy " + modelDir + ": " + String.join("; ", problems), null);
        }
        for (String file : entry.files()) {
            store.upload(store.modelUri(manifest.name(), manifest.version(), file), CatalogNames.resolveWithin(modelDir, file));
        }
        send(entry.key(), entry.toJson());
        return entry;
    }

    /** Removes one version; its files stay in the store (a deployment may be repeated or rolled back). */
    public void undeploy(String name, String version) {
        send(CatalogEntry.key(name, version), null);
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.MODELS, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish " + key + " to " + Topics.MODELS + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + key, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
