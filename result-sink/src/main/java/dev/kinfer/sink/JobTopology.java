package dev.kinfer.sink;

import dev.kinfer.jobs.ResultJson;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerde;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted jobs and results fold into one {@link JobState} per job id. Each job's
 * state version that owes a webhook is written to {@link Topics#WEBHOOKS}, exactly once under EOS. Each change of a
 * job's state is logged (accepted, then its final status) with the job's id, tenant, model and trace context.
 */
final class JobTopology {
    private static final Logger log = LoggerFactory.getLogger(JobTopology.class);
    static final String JOBS_STORE = "jobs";

    private JobTopology() {
    }

    static Topology build(SchemaRegistryClient registry) {
        Serde<String> ids = Serdes.String();
        Serde<JobState> states = JsonSerde.of(JobState.class);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, JobState> accepted = builder
                .stream(Topics.JOBS, Consumed.with(ids, AvroSerde.of(registry, InferenceRequest.class)))
                .filter(JobTopology::isEvent)
                .mapValues(JobTopology::accepted);
        KStream<String, JobState> completed = builder
                .stream(Topics.RESULTS, Consumed.with(ids, AvroSerde.of(registry, InferenceResult.class)))
                .filter(JobTopology::isEvent)
                .mapValues(JobTopology::completed);

        accepted.merge(completed)
                // The two topics may differ in partition count: co-locate each job's events by id.
                .repartition(Repartitioned.with(ids, states).withName("jobs-by-id"))
                .groupByKey()
                .reduce(JobState::merge, Materialized.<String, JobState, KeyValueStore<Bytes, byte[]>>as(JOBS_STORE)
                        .withKeySerde(ids).withValueSerde(states))
                .toStream()
                .peek(JobTopology::logChange)
                .filter((id, state) -> state != null && state.webhookDue())
                .to(Topics.WEBHOOKS, Produced.with(ids, states));
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

    private static void logChange(String id, JobState state) {
        if (state == null) {
            return;
        }
        try (LogContext.Scope scope = LogContext.job(id, state.tenant(), state.model(), state.traceparent())) {
            if (state.isFinal()) {
                log.info("job {} {}", id, state.status());
            } else {
                log.info("job {} accepted", id);
            }
        }
    }

    private static JobState completed(InferenceResult result) {
        return JobState.completed(result.getRequestId(), result.getTenant(), result.getModel(), result.getStatus().name(),
                result.getCompletedAt().toEpochMilli(), ResultJson.of(result));
    }
}
