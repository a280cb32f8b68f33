package dev.kinfer.catalog;

import dev.kinfer.schemas.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's view of {@code kinfer.models}: the whole topic read from the start on a background thread
 * (no consumer group: every reader sees every version), kept up to date, and changes told to listeners in
 * the topic's order. An unreadable record is skipped with a warning rather than stopping the catalogue.
 */
public final class ModelCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    /** A version was deployed ({@code entry} set) or undeployed ({@code entry} empty). */
    public record Change(String name, String version, Optional<CatalogEntry> entry) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    public ModelCatalog(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        reader = Thread.ofPlatform().daemon().name("model-catalog").start(() -> read(end));
    }

    /** Called for every change from now on, on the catalogue's thread; call {@link #entries()} for what is there. */
    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /** Waits until everything in the topic when this catalogue started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<CatalogEntry> entries() {
        return entries.values().stream().sorted(Comparator.comparing(CatalogEntry::name)
                .thenComparingLong(CatalogEntry::deployedAtMs)).toList();
    }

    /** The deployed versions of {@code name}, oldest deployment first. */
    public List<CatalogEntry> versions(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).toList();
    }

    private void read(Map<TopicPartition, Long> end) {
        try {
            markIfCaughtUp(end);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                markIfCaughtUp(end);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the model catalogue stopped reading {}", Topics.MODELS, e);
        } finally {
            consumer.close();
        }
    }

    private void markIfCaughtUp(Map<TopicPartition, Long> end) {
        if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            caughtUp.countDown();
        }
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
            CatalogEntry entry;
            try {
                entry = CatalogEntry.fromJson(record.value());
            } catch (IllegalArgumentException e) {
                log.warn("skipping unreadable catalogue record {} at offset {}: {}", key, record.offset(), e.getMessage());
                return;
            }
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
        running.set(false);
        consumer.wakeup();
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
