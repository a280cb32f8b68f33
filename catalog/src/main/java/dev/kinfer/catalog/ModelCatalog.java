package dev.kinfer.catalog;

import dev.kinfer.schemas.CompactedTopicReader;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's view of {@code kinfer.models}: the whole topic read from the start, kept up to date, and
 * changes told to listeners in the topic's order. An unreadable or invalid record (see {@link CatalogEntry#problems()})
 * is skipped with a warning rather than stopping the catalogue.
 */
public final class ModelCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    /** A version was deployed ({@code entry} set) or undeployed ({@code entry} empty). */
    public record Change(String name, String version, Optional<CatalogEntry> entry) {
    }

    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final CompactedTopicReader reader;

    public ModelCatalog(KafkaConnection kafka) {
        ModelDeployer.ensureTopic(kafka); // a reader that finds no partition would read nothing, ever
        reader = new CompactedTopicReader(kafka, Topics.MODELS, this::apply);
    }

    /** Called for every change from now on, on the catalogue's thread; call {@link #entries()} for what is there. */
    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /** Waits until everything in the topic when this catalogue started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    public List<CatalogEntry> entries() {
        return entries.values().stream().sorted(Comparator.comparing(CatalogEntry::name)
                .thenComparingLong(CatalogEntry::deployedAtMs)).toList();
    }

    /** The deployed versions of {@code name}, oldest deployment first. */
    public List<CatalogEntry> versions(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).toList();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Change change = changeOf(record.key(), record.value()); // unreadable or invalid: the reader logs and skips it
        String key = CatalogEntry.key(change.name(), change.version());
        change.entry().ifPresentOrElse(entry -> entries.put(key, entry), () -> entries.remove(key));
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.error("a catalogue listener failed on {}", key, e);
            }
        }
    }

    /**
     * What a record of {@code kinfer.models} says, refused (IllegalArgumentException) unless its key is a valid
     * {@code name:version} and its entry, if any, is valid and filed under its own key: compaction keeps one record
     * per key, so an entry under another's key would shadow or outlive it.
     */
    static Change changeOf(String key, byte[] value) {
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 0 || !Topics.MODEL_NAME.matcher(key.substring(0, colon)).matches()
                || !ModelManifest.VERSION.matcher(key.substring(colon + 1)).matches()) {
            throw new IllegalArgumentException("not a name:version key: '" + key + "'");
        }
        String name = key.substring(0, colon);
        String version = key.substring(colon + 1);
        if (value == null) {
            return new Change(name, version, Optional.empty());
        }
        CatalogEntry entry = CatalogEntry.fromJson(value);
        if (!entry.key().equals(key)) {
            throw new IllegalArgumentException("entry " + entry.key() + " filed under key '" + key + "'");
        }
        return new Change(name, version, Optional.of(entry));
    }

    @Override
    public void close() {
        reader.close();
    }
}
