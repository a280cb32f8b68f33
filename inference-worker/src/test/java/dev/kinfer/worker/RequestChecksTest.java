package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestChecksTest {
    private static final String SHA = "a".repeat(64);

    private static InferenceRequest request(String id, List<ImageRef> inputs) {
        return InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel("m").setInputs(inputs)
                .setSubmittedAt(Instant.EPOCH).setCacheKey("k").build();
    }

    private static ImageRef image(String uri, String sha, int width, int height) {
        return new ImageRef(uri, sha, "image/png", width, height, 10L);
    }

    @Test
    void shouldAcceptAWellFormedRequest() {
        assertThat(RequestChecks.problem(request("r", List.of(image("s3://kinfer/images/" + SHA, SHA, 640, 480))))).isNull();
    }

    @Test
    void shouldRefuseRequestsThatCannotRun() {
        assertThat(RequestChecks.problem(request("r", List.of()))).contains("no inputs");
        assertThat(RequestChecks.problem(request("r", List.of(image("s3://kinfer/images/" + SHA, SHA, 0, 480))))).contains("impossible size");
        assertThat(RequestChecks.problem(request("r", List.of(image("s3://kinfer/images/" + SHA, SHA, 640, 100_000))))).contains("impossible size");
        assertThat(RequestChecks.problem(request("r", List.of(image("s3://kinfer/images/x", "not-hex", 64, 64))))).contains("sha256");
        assertThat(RequestChecks.problem(request("r", List.of(image("http://elsewhere/x", SHA, 64, 64))))).contains("not an s3://");
    }

    @Test
    void shouldRefuseAResultTopicThatIsNoReplays() {
        InferenceRequest request = request("r", List.of(image("s3://kinfer/images/" + SHA, SHA, 64, 64)));
        request.setResultTopic("kinfer.keys");
        assertThat(RequestChecks.problem(request)).contains("not a replay's topic");
        request.setResultTopic("kinfer.results.replay.r1");
        assertThat(RequestChecks.problem(request)).isNull();
    }

    @Test
    void shouldRefuseUnboundedParameters() {
        InferenceRequest request = request("r", List.of(image("s3://kinfer/images/" + SHA, SHA, 64, 64)));
        request.setParams(Map.of("threshold", "x".repeat(2000)));
        assertThat(RequestChecks.problem(request)).contains("parameters");
    }
}
