package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.InferenceRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaNativeJobsTest {
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final long NOW = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();

    @Test
    void shouldRecordARequestProducedStraightToKafka() {
        assertThat(KafkaNativeJobs.notRecorded(request("job-1", null), false, NOW, RETENTION)).isNull();
    }

    @Test
    void shouldLeaveWhatIngestRecordedOrNoResultWouldEnd() {
        assertThat(KafkaNativeJobs.notRecorded(request("job-1", null), true, NOW, RETENTION)).contains("ingest-api");
        assertThat(KafkaNativeJobs.notRecorded(request(" ", null), false, NOW, RETENTION)).contains("no requestId");
        assertThat(KafkaNativeJobs.notRecorded(request("job-1", "kinfer.results.replay.r1"), false, NOW, RETENTION)).contains("replay");
        assertThat(KafkaNativeJobs.notRecorded(request("job-1", null), false, NOW + RETENTION.toMillis() + 1, RETENTION))
                .as("submitted longer ago than the store keeps a pending job").contains("older than");
    }

    @Test
    void shouldRecordARequestNamingAForbiddenResultTopicAsItIsAnsweredOnTheResultsTopic() {
        assertThat(KafkaNativeJobs.notRecorded(request("job-1", "kinfer.keys"), false, NOW, RETENTION)).isNull();
    }

    private static InferenceRequest request(String id, String resultTopic) {
        return InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel("m").setInputs(List.of())
                .setSubmittedAt(Instant.ofEpochMilli(NOW)).setCacheKey("k").setResultTopic(resultTopic).build();
    }
}
