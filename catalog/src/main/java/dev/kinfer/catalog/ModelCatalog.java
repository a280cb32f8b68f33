package dev.kinfer.catalog;

import dev.kinfer.schemas.CompactedTopicReader;
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
 * changes told to listeners in the topic's order. An unreadable record is skipped with a warning rather than
 * stopping the catalogue.
 */
public final class ModelCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    /** A version was deployed ({@code entry} set) or undeployed ({@code entry} empty). */
    public record Change(String name, String version, Optional<CatalogEntry> entry) {
    }

    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final CompactedTopicReader reader;

    public ModelCatalog(String bootstrapServers) {
        reader = new CompactedTopicReader(bootstrapServers, Topics.MODELS, this::apply);
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
        String key = record.key();
        int colon = key == null ? -1 : key.indexOf(':');
        if (colon < 0) {
            log.warn("skipping catalogue record without a name:version key at offset {}", record.offset());
            return;
        }
        Change change;
        if (record.value() == null) {
            entries.remove(key);
            change = new Change(key.substring(0, colon), key.substring(colon + 1), Optional.empty());
        } else {
            CatalogEntry entry = CatalogEntry.fromJson(record.value()); // unreadable: the reader logs and skips it
            entries.put(key, entry);
            change = new Change(entry.name(), entry.version(), Optional.of(entry));
        }
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.error("a catalogue listener failed on {}", key, e);
            }
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
