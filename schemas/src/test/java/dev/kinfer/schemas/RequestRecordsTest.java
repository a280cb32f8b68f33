package dev.kinfer.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRecordsTest {
    @Test
    void shouldNameWhatLeavesNoWayToPublishAResult() {
        assertThat(RequestRecords.unanswerable(request("", null))).contains("no requestId");
        assertThat(RequestRecords.unanswerable(request(" ", null))).contains("no requestId");
        assertThat(RequestRecords.unanswerable(request("x".repeat(129), null))).contains("longer than 128");
        InferenceRequest hugeTenant = InferenceRequest.newBuilder(request("id", null)).setTenant("t".repeat(129)).build();
        assertThat(RequestRecords.unanswerable(hugeTenant)).contains("longer than 128");
        assertThat(RequestRecords.unanswerable(request("b4b1c6a0-2f7e-4c44-9d0a-0b5f3c0f9a11", null))).isNull();
    }

    @Test
    void shouldRefuseIdsAndTenantsThatCouldNameSomethingElse() {
        assertThat(RequestRecords.badIdentity(request("b4b1c6a0-2f7e-4c44-9d0a-0b5f3c0f9a11", null))).isNull();
        for (String id : new String[] {"../models/x", "a/b", "..", "x y"}) {
            assertThat(RequestRecords.badIdentity(request(id, null))).as(id).contains("requestId");
        }
        InferenceRequest slashTenant = request("id", null);
        slashTenant.setTenant("acme/x");
        assertThat(RequestRecords.badIdentity(slashTenant)).contains("tenant");
    }

    @Test
    void shouldSendOnlyReplaysAnywhereButTheResultsTopic() {
        assertThat(RequestRecords.resultTopic(request("a", null))).isEqualTo(Topics.RESULTS);
        assertThat(RequestRecords.resultTopic(request("a", "kinfer.results.replay.run-1"))).isEqualTo("kinfer.results.replay.run-1");
        assertThat(RequestRecords.isReplay(request("a", "kinfer.results.replay.run-1"))).isTrue();
        for (String elsewhere : new String[] {"kinfer.jobs", "kinfer.results.replay.", "kinfer.results.replay.a.b", "kinfer.keys",
                "kinfer.results.replay." + "x".repeat(65)}) {
            assertThat(RequestRecords.resultTopic(request("a", elsewhere))).as(elsewhere).isEqualTo(Topics.RESULTS);
            assertThat(RequestRecords.isReplay(request("a", elsewhere))).as(elsewhere).isFalse();
        }
    }

    private static InferenceRequest request(String id, String resultTopic) {
        return InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel("m").setInputs(List.of())
                .setSubmittedAt(Instant.EPOCH).setCacheKey("k").setResultTopic(resultTopic).build();
    }
}
