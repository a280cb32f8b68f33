package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.credentials.WebhookSecret;
import dev.kinfer.credentials.WebhookSecretAdmin;
import dev.kinfer.credentials.WebhookSecrets;
import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery against the real broker, registry and a result-sink process, on a shortened retry schedule
 * (1 s, 1 s, 2 s: four attempts). Jobs end the way a client producing straight to Kafka sees them end: a result
 * with its callback on {@code kinfer.results}, no request ever seen by ingest-api.
 */
class WebhookIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TENANT = "acme";
    private static final Map<String, String> SINK_SETTINGS = Map.of(
            "KINFER_WEBHOOK_RETRY_SCHEDULE", "1s,1s,2s",
            "KINFER_WEBHOOK_CONCURRENCY", "32",
            "KINFER_WEBHOOK_CONCURRENCY_PER_HOST", "32",
            "KINFER_JOB_RETENTION", "20s");

    private static LocalStack stack;
    private static ChildProcess sink;
    private static KafkaProducer<String, byte[]> producer;
    private static AvroSerializer<InferenceResult> results;
    private static String secret;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        stack = LocalStack.startInfrastructure(TestStacks.fresh("webhook-data"));
        KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
        try (WebhookSecrets secrets = new WebhookSecrets(kafka);
             WebhookSecretAdmin admin = new WebhookSecretAdmin(kafka, secrets, Clock.systemUTC())) {
            secret = admin.create(TENANT, WebhookSecret.DEFAULT_ID).current().secret();
        }
        sink = startSink();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());
        results = new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()));
    }

    @AfterAll
    static void stopInfrastructure() {
        if (producer != null) {
            producer.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldDeliverOnceToAReceiverThatFailsTwiceWithTheSameIdOnEveryAttempt() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start((delivery, attempt) -> attempt <= 2 ? 503 : 200)) {
            String jobId = finish(ResultStatus.SUCCEEDED, receiver.url("/hook"));

            JsonNode webhook = await().atMost(Duration.ofSeconds(60)).until(() -> job(jobId).path("webhook"),
                    w -> w.path("state").asText().equals("delivered"));

            List<WebhookReceiver.Delivery> attempts = receiver.forJob(jobId);
            assertThat(attempts).hasSize(3);
            assertThat(attempts).extracting(WebhookReceiver.Delivery::id).containsOnly(attempts.getFirst().id());
            for (WebhookReceiver.Delivery attempt : attempts) {
                WebhookVerification.assertSigned(secret, attempt);
                assertThat(attempt.json().path("type").asText()).isEqualTo("job.succeeded");
                assertThat(Long.parseLong(attempt.header("webhook-timestamp"))).isCloseTo(attempt.at().getEpochSecond(),
                        within(5L));
            }
            assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).as("the first retry waits its step")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(webhook.path("deliveryId").asText()).isEqualTo(attempts.getFirst().id());
            assertThat(webhook.path("attempts")).extracting(a -> a.path("status").asInt()).containsExactly(503, 503, 200);
        }
    }

    @Test
    void shouldDeadLetterOnceWhenTheReceiverIsDownForTheWholeSchedule() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start((delivery, attempt) -> 503);
             KafkaConsumer<String, byte[]> dlq = consumer("kinfer.webhooks.dlq")) {
            String jobId = finish(ResultStatus.FAILED, receiver.url("/down"));

            JsonNode webhook = await().atMost(Duration.ofSeconds(60)).until(() -> job(jobId).path("webhook"),
                    w -> w.path("state").asText().equals("dead-lettered"));
            List<JsonNode> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                collect(dlq, jobId, letters);
                return !letters.isEmpty();
            });
            Thread.sleep(2000); // nothing more comes
            collect(dlq, jobId, letters);

            assertThat(receiver.forJob(jobId)).hasSize(4);
            assertThat(letters).hasSize(1);
            assertThat(letters.getFirst().at("/delivery/attempts")).hasSize(4);
            assertThat(letters.getFirst().path("reason").asText()).contains("503");
            assertThat(webhook.path("reason").asText()).contains("503");
            assertThat(receiver.forJob(jobId).getFirst().json().path("type").asText()).isEqualTo("job.failed");
        }
    }

    @Test
    void shouldStopAt410GoneRefuseCallbacksItMustNotCallAndNeverSendUnsigned() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start((delivery, attempt) -> 410)) {
            String gone = finish(ResultStatus.SUCCEEDED, receiver.url("/gone"));
            String internal = finish(ResultStatus.SUCCEEDED, "http://10.1.2.3/hook");
            String ftp = finish(ResultStatus.SUCCEEDED, "ftp://example.org/hook");
            String noSecret = finish(ResultStatus.SUCCEEDED, receiver.url("/unsigned"), "no-such-secret"); // another endpoint: "/gone" is gone

            await().atMost(Duration.ofSeconds(30)).until(() -> job(gone).at("/webhook/state").asText(), "gone"::equals);
            JsonNode refusedInternal = await().atMost(Duration.ofSeconds(30)).until(() -> job(internal).path("webhook"),
                    w -> w.path("state").asText().equals("refused"));
            JsonNode refusedFtp = await().atMost(Duration.ofSeconds(30)).until(() -> job(ftp).path("webhook"),
                    w -> w.path("state").asText().equals("refused"));
            // A secret may be made after its job: a missing one is retried, then dead-lettered.
            JsonNode missingSecret = await().atMost(Duration.ofSeconds(30)).until(() -> job(noSecret).path("webhook"),
                    w -> w.path("state").asText().equals("dead-lettered"));
            Thread.sleep(3000); // past the first retry step: nothing more

            assertThat(receiver.forJob(gone)).hasSize(1);
            assertThat(refusedInternal.path("reason").asText()).contains("10.1.2.3");
            assertThat(refusedFtp.path("reason").asText()).containsIgnoringCase("ftp");
            assertThat(missingSecret.path("reason").asText()).contains("no-such-secret");
            assertThat(missingSecret.path("attempts")).hasSize(4);
            assertThat(receiver.forJob(noSecret)).isEmpty();
        }
    }

    @Test
    void shouldSignWithBothKeysWhileARotatedSecretsGraceRuns() throws Exception {
        String tenant = "rotating";
        String before;
        String after;
        KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
        try (WebhookSecrets secrets = new WebhookSecrets(kafka);
             WebhookSecretAdmin admin = new WebhookSecretAdmin(kafka, secrets, Clock.systemUTC())) {
            before = admin.create(tenant, WebhookSecret.DEFAULT_ID).current().secret();
            after = admin.rotate(tenant, WebhookSecret.DEFAULT_ID, Duration.ofHours(1)).current().secret();
        }
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            String jobId = finish(ResultStatus.SUCCEEDED, receiver.url("/rotating"), WebhookSecret.DEFAULT_ID, tenant);

            WebhookReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(jobId), d -> !d.isEmpty())
                    .getFirst();

            assertThat(delivery.header("webhook-signature").split(" ")).hasSize(2);
            WebhookVerification.assertSigned(after, delivery);
            WebhookVerification.assertSigned(before, delivery);
        }
    }

    @Test
    void shouldForgetAJobOnceItsRetentionHasPassed() throws Exception {
        String jobId = finish(ResultStatus.SUCCEEDED, null, WebhookSecret.DEFAULT_ID, TENANT);
        await().atMost(Duration.ofSeconds(30)).until(() -> job(jobId).path("status").asText(), "SUCCEEDED"::equals);

        // KINFER_JOB_RETENTION is 20 s here; the store is swept every tenth of it.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId + "?tenant=" + TENANT)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 404);
    }

    @Test
    void shouldRedeliverWithANewIdOnRequest() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            String jobId = finish(ResultStatus.SUCCEEDED, receiver.url("/again"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(jobId), d -> d.size() == 1);

            HttpResponse<String> redelivered = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId
                    + "/webhook:redeliver?tenant=" + TENANT)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> otherTenant = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId
                    + "/webhook:redeliver?tenant=intruder")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(202);
            assertThat(otherTenant.statusCode()).isEqualTo(404);
            List<WebhookReceiver.Delivery> deliveries = await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(jobId),
                    d -> d.size() == 2);
            assertThat(deliveries.get(1).id()).isNotEqualTo(deliveries.get(0).id())
                    .isEqualTo(JSON.readTree(redelivered.body()).path("deliveryId").asText());
            WebhookVerification.assertSigned(secret, deliveries.get(1));
        }
    }

    @Test
    void shouldMakeEveryPendingDeliveryAfterResultSinkIsKilled() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start((delivery, attempt) -> attempt == 1 ? 503 : 200)) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                jobs.add(finish(ResultStatus.SUCCEEDED, receiver.url("/crash")));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(id -> !receiver.forJob(id).isEmpty()));

            sink.kill(); // SIGKILL, with every job's retry pending on a retry topic
            sink = startSink();

            await().atMost(Duration.ofMinutes(2)).until(() -> jobs.stream().allMatch(id -> receiver.forJob(id).size() >= 2));
            for (String id : jobs) {
                assertThat(receiver.forJob(id)).extracting(WebhookReceiver.Delivery::id).as(id).containsOnly(receiver.forJob(id).getFirst().id());
            }
        }
    }

    @Test
    void shouldDeliverAThousandWebhooksToASlowReceiverWithBoundedConcurrency() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start((delivery, attempt) -> {
            Thread.sleep(200);
            return 200;
        })) {
            Instant start = Instant.now();
            Set<String> jobs = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                jobs.add(finish(ResultStatus.SUCCEEDED, receiver.url("/slow")));
            }

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> receiver.deliveries().stream().map(WebhookReceiver.Delivery::jobId).filter(jobs::contains)
                            .collect(Collectors.toSet()).size() == 1000);

            assertThat(receiver.mostAtOnce()).as("bounded by KINFER_WEBHOOK_CONCURRENCY").isLessThanOrEqualTo(32).isGreaterThan(8);
            assertThat(receiver.deliveries()).hasSize(1000);
            System.out.printf("1000 jobs ended and their webhooks delivered to a 200 ms receiver: %s, at most %d at once%n", Duration.between(start, Instant.now()),
                    receiver.mostAtOnce());
        }
    }

    private static ChildProcess startSink() throws Exception {
        ChildProcess started = stack.startSink(SINK_SETTINGS);
        started.awaitReady(stack.sinkUrl() + "/health/ready", Duration.ofMinutes(2));
        return started;
    }

    private static String finish(ResultStatus status, String callbackUrl) throws Exception {
        return finish(status, callbackUrl, WebhookSecret.DEFAULT_ID);
    }

    /** A job ends as a client producing straight to Kafka sees it end: its result, carrying its callback. */
    private static String finish(ResultStatus status, String callbackUrl, String secretId) throws Exception {
        return finish(status, callbackUrl, secretId, TENANT);
    }

    private static String finish(ResultStatus status, String callbackUrl, String secretId, String tenant) throws Exception {
        String jobId = "kafka-native-" + UUID.randomUUID();
        InferenceResult result = InferenceResult.newBuilder().setRequestId(jobId).setTenant(tenant).setModel("detect-faces")
                .setModelVersion("1").setStatus(status)
                .setError(status == ResultStatus.SUCCEEDED ? null : new ErrorInfo("invalid-image", "not an image", false))
                .setTimings(new Timings(1L, 1L, 1L, 1, "test")).setCompletedAt(Instant.now())
                .setCallback(callbackUrl == null ? null : new Callback(callbackUrl, secretId)).build();
        producer.send(new ProducerRecord<>("kinfer.results", jobId, results.serialize("kinfer.results", result))).get();
        return jobId;
    }

    private static JsonNode job(String jobId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId + "?tenant="
                + TENANT)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    private static void collect(KafkaConsumer<String, byte[]> consumer, String key, List<JsonNode> into) throws Exception {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (key.equals(record.key())) {
                into.add(JSON.readTree(record.value()));
            }
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "webhook-it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
