package dev.kinfer.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Makes topics at the size a deployment wants before anything produces to them (the Helm chart's topics Job):
 * {@code TopicsMain kinfer.requests.<model>=<partitions> ...}, Kafka from {@code KINFER_BOOTSTRAP_SERVERS} and
 * {@code KINFER_KAFKA_*}. A missing topic is created, one with fewer partitions is grown; none is ever shrunk
 * (Kafka cannot, and keys would move). Exits 1 naming what went wrong.
 */
public final class TopicsMain {
    private TopicsMain() {
    }

    public static void main(String[] args) {
        try {
            Map<String, Integer> wanted = parse(List.of(args));
            try (Admin admin = Admin.create(KafkaConnection.fromEnvironment(System.getenv()).clientConfig(Map.of()))) {
                TopicAdmin.ensure(admin, wanted.entrySet().stream().map(e -> TopicAdmin.Spec.of(e.getKey(), e.getValue())).toList(),
                        Duration.ofSeconds(60));
                grow(admin, wanted);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("topics: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code topic=partitions} pairs, in order; each topic once, a request topic's name checked. */
    static Map<String, Integer> parse(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: TopicsMain <topic>=<partitions> ...");
        }
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.lastIndexOf('=');
            String topic = equals < 0 ? arg : arg.substring(0, equals);
            if (equals < 0 || !Topics.REQUEST_TOPICS.matcher(topic).matches()) {
                throw new IllegalArgumentException("'" + arg + "' is not kinfer.requests.<model>=<partitions>");
            }
            int partitions;
            try {
                partitions = Integer.parseInt(arg.substring(equals + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + arg + "': the partitions are not a number");
            }
            if (partitions < 1 || wanted.put(topic, partitions) != null) {
                throw new IllegalArgumentException("'" + arg + "': partitions must be at least 1, and each topic named once");
            }
        }
        return wanted;
    }

    private static void grow(Admin admin, Map<String, Integer> wanted) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(wanted.keySet()).allTopicNames().get();
            Map<String, NewPartitions> growth = new LinkedHashMap<>();
            described.forEach((topic, description) -> {
                int now = description.partitions().size();
                if (now < wanted.get(topic)) {
                    growth.put(topic, NewPartitions.increaseTo(wanted.get(topic)));
                }
                System.out.println(topic + ": " + Math.max(now, wanted.get(topic)) + " partitions"
                        + (now > wanted.get(topic) ? " (more than the " + wanted.get(topic) + " asked; never shrunk)" : ""));
            });
            if (!growth.isEmpty()) {
                admin.createPartitions(growth).all().get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe or grow the topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
