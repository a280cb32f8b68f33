package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.sink.JobState;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Webhook delivery, assembled: the topics it needs, the dispatcher on its own thread, and redelivery on request.
 */
public final class WebhookService implements AutoCloseable {
    private static final int PARTITIONS = 4;
    /** A retry waits at most one step of the schedule in its topic; a week leaves room for a long outage. */
    private static final Duration RETRY_RETENTION = Duration.ofDays(7);
    private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    private final KafkaProducer<String, byte[]> producer;
    private final WebhookClient client;
    private final WebhookTopics topics;
    private final Dispatcher dispatcher;
    private final Thread thread;

    /** Makes the webhook topics if they are missing; {@link #start} starts delivering. */
    public WebhookService(KafkaConnection kafka, WebhookSettings settings, SigningKeys keys, Function<JobState, ObjectNode> render,
                           MeterRegistry registry) {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
            TopicAdmin.ensure(admin, topicsFor(settings.schedule()), Duration.ofSeconds(30));
        }
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1)), new StringSerializer(), new ByteArraySerializer());
        this.client = new WebhookClient(new CallbackGuard(settings.callbackAllowList()),
                new WebhookClient.Timeouts(settings.connectTimeout(), settings.responseTimeout(), settings.totalTimeout()));
        this.topics = new WebhookTopics(producer);
        WebhookMetrics metrics = new WebhookMetrics(registry);
        Clock clock = Clock.systemUTC();
        Deliverer deliverer = new Deliverer(client, keys, render, settings.schedule(), clock, settings.concurrency(), settings.perHost());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "kinfer-webhooks",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")), new StringDeserializer(), new ByteArrayDeserializer());
        this.dispatcher = new Dispatcher(consumer, deliverer, topics, settings.schedule(), clock, Math.max(100, 20 * settings.concurrency()),
                metrics);
        this.thread = Thread.ofPlatform().name("webhooks").unstarted(dispatcher);
    }

    public void start() {
        thread.start();
    }

    static List<TopicAdmin.Spec> topicsFor(RetrySchedule schedule) {
        List<TopicAdmin.Spec> specs = new ArrayList<>(List.of(TopicAdmin.Spec.of(Topics.WEBHOOKS, PARTITIONS),
                TopicAdmin.Spec.of(Topics.WEBHOOK_STATUS, PARTITIONS),
                new TopicAdmin.Spec(Topics.WEBHOOKS_DLQ, PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(DEAD_LETTER_RETENTION.toMillis())))));
        for (Duration step : schedule.steps()) {
            specs.add(new TopicAdmin.Spec(Topics.webhookRetry(step), PARTITIONS,
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETRY_RETENTION.plus(step).toMillis()))));
        }
        return specs;
    }

    /** Queues a new delivery of a finished job's webhook, with a new {@code webhook-id}; returns that id. */
    public String redeliver(JobState job) {
        WebhookDelivery delivery = WebhookDelivery.redelivery(job);
        topics.deliver(delivery);
        return delivery.deliveryId();
    }

    /** Whether deliveries are being made (for readiness). */
    public boolean healthy() {
        return thread.isAlive() && dispatcher.healthy();
    }

    @Override
    public void close() {
        dispatcher.stop();
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        client.close();
    }
}
