package dev.kinfer.sink;

import dev.kinfer.jobs.ResultJson;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerde;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.sink.webhooks.DeliveryStatus;
import dev.kinfer.sink.webhooks.WebhookDelivery;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Accepted jobs, results and webhook progress fold into one {@link JobState} per job id ({@link JobFolder}). A job
 * that becomes final with a callback, from whichever topic it came, is written once to {@link Topics#WEBHOOKS} as its
 * first {@link WebhookDelivery}, exactly once under EOS.
 */
final class JobTopology {
    static final String JOBS_STORE = "jobs";

    private JobTopology() {
    }

    static Topology build(SchemaRegistryClient registry, Duration retention) {
        Serde<String> ids = Serdes.String();
        StreamsBuilder builder = new StreamsBuilder();
        // Timestamped, as the DSL's own stores are: the store of earlier versions (a reduce) opens as it was.
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(JOBS_STORE), ids,
                JsonSerde.of(JobState.class)));

        KStream<String, JobEvent> accepted = builder
                .stream(Topics.JOBS, Consumed.with(ids, AvroSerde.of(registry, InferenceRequest.class)))
                .filter(JobTopology::isEvent)
                .mapValues(request -> JobEvent.of(accepted(request)));
        KStream<String, JobEvent> completed = builder
                .stream(Topics.RESULTS, Consumed.with(ids, AvroSerde.of(registry, InferenceResult.class)))
                .filter(JobTopology::isEvent)
                .mapValues(result -> JobEvent.of(completed(result)));
        KStream<String, JobEvent> running = builder
                .stream(Topics.PROGRESS, Consumed.with(ids, AvroSerde.of(registry, JobStarted.class)))
                .filter(JobTopology::isEvent)
                .mapValues(started -> JobEvent.of(JobState.started(started)));
        KStream<String, JobEvent> delivering = builder
                .stream(Topics.WEBHOOK_STATUS, Consumed.with(ids, JsonSerde.of(DeliveryStatus.class)))
                .filter((id, status) -> isEvent(id, status) && status.deliveryId() != null && status.state() != null)
                .mapValues(JobEvent::of);

        accepted.merge(completed).merge(running).merge(delivering)
                // The topics may differ in partition count: co-locate each job's events by id.
                .repartition(Repartitioned.with(ids, JsonSerde.of(JobEvent.class)).withName("jobs-by-id"))
                .process(() -> new JobFolder(retention), JOBS_STORE)
                .to(Topics.WEBHOOKS, Produced.with(ids, JsonSerde.of(WebhookDelivery.class)));
        return builder.build();
    }

    /** Anyone may produce to these topics: a keyless record or a tombstone is no job event, and is skipped. */
    private static boolean isEvent(String id, Object event) {
        return id != null && !id.isBlank() && event != null;
    }

    private static JobState accepted(InferenceRequest request) {
        return JobState.accepted(request.getRequestId(), request.getTenant(), request.getModel(),
                request.getSubmittedAt().toEpochMilli(),
                request.getCallback() == null ? null : request.getCallback().getUrl(),
                request.getCallback() == null ? null : request.getCallback().getSecretId(),
                request.getTraceparent());
    }

    private static JobState completed(InferenceResult result) {
        return JobState.completed(result.getRequestId(), result.getTenant(), result.getModel(), result.getStatus().name(),
                result.getCompletedAt().toEpochMilli(), ResultJson.of(result),
                result.getCallback() == null ? null : result.getCallback().getUrl(),
                result.getCallback() == null ? null : result.getCallback().getSecretId());
    }
}
