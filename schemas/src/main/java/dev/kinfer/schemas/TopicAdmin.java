package dev.kinfer.schemas;

import java.util.Optional;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a service needs, if they are missing, and waits until they can take records. */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /** A topic to ensure, with the broker's default replication factor. */
    public record Spec(String name, int partitions, Map<String, String> configs) {
        public static Spec of(String name, int partitions) {
            return new Spec(name, partitions, Map.of());
        }

        /** {@link Topics#PROGRESS}, made by whichever service starts first: every one sets its short retention. */
        public static Spec progress(int partitions) {
            return new Spec(Topics.PROGRESS, partitions, Map.of(TopicConfig.RETENTION_MS_CONFIG,
                    Long.toString(Topics.PROGRESS_RETENTION.toMillis())));
        }
    }

    /**
     * Creates a compacted topic of one partition, if it is missing: the kind every view of kinfer's state reads from
     * its start (models, keys, faces, webhook secrets), where one partition keeps one order for every change.
     */
    public static void ensureCompacted(KafkaConnection kafka, String topic) {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
            ensure(admin, List.of(new Spec(topic, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                    Duration.ofSeconds(30));
        }
    }

    public static void ensure(Admin admin, Collection<Spec> topics, Duration timeout) {
        List<NewTopic> wanted = topics.stream()
                .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty()).configs(t.configs()))
                .toList();
        admin.createTopics(wanted).values().forEach((name, future) -> {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + name, e);
            }
        });
        awaitLeaders(admin, topics.stream().map(Spec::name).toList(), timeout);
    }

    /**
     * Producing to a topic that was just created can fail until every partition has a leader (seen as
     * NOT_LEADER followed by endless sequence errors), so creation is only done once leaders are known.
     */
    private static void awaitLeaders(Admin admin, List<String> names, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(Set.copyOf(names)).allTopicNames().get();
                boolean ready = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                // metadata not propagated yet: try again until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topics " + names + " have no leader after " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
        }
    }
}
