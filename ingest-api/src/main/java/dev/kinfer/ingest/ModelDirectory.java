package dev.kinfer.ingest;

import dev.kinfer.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The models requests can be sent to: those whose request topic exists (a worker creates it when it starts
 * serving a model). Listed from the broker at most once per {@link #REFRESH}, so a new model shows up within it.
 */
final class ModelDirectory {
    private static final Duration REFRESH = Duration.ofSeconds(5);

    private final Admin admin;
    private volatile Set<String> models = Set.of();
    private volatile Instant listedAt = Instant.MIN;

    ModelDirectory(Admin admin) {
        this.admin = admin;
    }

    boolean exists(String model) {
        if (!Topics.MODEL_NAME.matcher(model).matches()) {
            return false;
        }
        return names().contains(model) || refresh().contains(model);
    }

    Set<String> names() {
        return Instant.now().isAfter(listedAt.plus(REFRESH)) ? refresh() : models;
    }

    private synchronized Set<String> refresh() {
        try {
            SortedSet<String> found = new TreeSet<>();
            for (String topic : admin.listTopics().names().get(5, TimeUnit.SECONDS)) {
                if (Topics.REQUEST_TOPICS.matcher(topic).matches()) {
                    found.add(topic.substring(topic.lastIndexOf('.') + 1));
                }
            }
            models = Collections.unmodifiableSortedSet(found);
            listedAt = Instant.now();
            return models;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ApiProblem(503, "broker-unavailable", "Kafka unavailable", "cannot list models: " + e);
        }
    }
}
