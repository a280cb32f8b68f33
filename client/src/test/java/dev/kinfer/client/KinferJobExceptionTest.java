package dev.kinfer.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KinferJobExceptionTest {
    @Test
    void shouldTurnEachEndingWithoutAnOutputIntoItsException() {
        assertThat(KinferJobException.of(result(ResultStatus.SUCCEEDED, null))).isNull();

        KinferJobException failed = KinferJobException.of(result(ResultStatus.FAILED, new ErrorInfo("input-not-found", "gone", true)));
        assertThat(failed).isInstanceOfSatisfying(JobFailedException.class, f -> assertThat(f.retriable()).isTrue())
                .hasMessage("job r-1 on detect-faces FAILED: input-not-found (gone)");
        assertThat(failed.code()).isEqualTo("input-not-found");

        KinferJobException expired = KinferJobException.of(result(ResultStatus.EXPIRED, new ErrorInfo("deadline-exceeded", "late", false)));
        assertThat(expired).isInstanceOf(JobExpiredException.class);
        assertThat(expired.result().getStatus()).isEqualTo(ResultStatus.EXPIRED);
    }

    private static InferenceResult result(ResultStatus status, ErrorInfo error) {
        InferenceResult result = InferenceResult.newBuilder().setRequestId("r-1").setTenant("t").setModel("detect-faces")
                .setModelVersion("1").setStatus(ResultStatus.SUCCEEDED).setTimings(new Timings(0L, 0L, 0L, 1, "w"))
                .setCompletedAt(Instant.EPOCH).build();
        result.setStatus(status);
        result.setError(error);
        return result;
    }
}
