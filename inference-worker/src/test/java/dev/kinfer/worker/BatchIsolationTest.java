package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.worker.model.BatchLimits;
import dev.kinfer.worker.model.ModelInput;
import dev.kinfer.worker.model.ModelOutput;
import dev.kinfer.worker.model.ModelRunner;
import dev.kinfer.worker.model.Models;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A model call that throws fails only the requests it throws on; the rest of the batch is served. */
class BatchIsolationTest {
    private static final int POISON_WIDTH = 13;

    /** Throws on any batch holding a 13-pixel-wide image, like a network that cannot take some shape. */
    private static final class PickyModel implements ModelRunner {
        final List<Integer> callSizes = new ArrayList<>();

        @Override
        public ModelManifest manifest() {
            return new ModelManifest("picky", "1", "synthetic", "Synthetic", null, "none", "cpu", 8, 0, Map.of(), null);
        }

        @Override
        public String bucket(int width, int height) {
            return "all";
        }

        @Override
        public List<ModelOutput> run(List<ModelInput> inputs) {
            callSizes.add(inputs.size());
            if (inputs.stream().anyMatch(input -> input.image().getWidth() == POISON_WIDTH)) {
                throw new IllegalStateException("cannot take width 13");
            }
            return inputs.stream().<ModelOutput>map(input -> new ModelOutput.VectorProduct(new float[] {input.image().getWidth()})).toList();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldFailOnlyTheGuiltyRequestsOfABatch() {
        PickyModel model = new PickyModel();
        ModelVersions versions = new ModelVersions("picky");
        versions.add(new Models.Loaded(model, new BatchLimits(8, Duration.ZERO)), 0);
        BatchRunner runner = new BatchRunner(versions, tenant -> Map.of(), null, new WorkerMetrics("picky"),
                Executors.newVirtualThreadPerTaskExecutor(), new FailurePolicy(new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
                Duration.ofMillis(10)), new Liveness(Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(1)), "w");
        int[] widths = {20, 21, POISON_WIDTH, 22, 23, 24, POISON_WIDTH, 25};
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < widths.length; i++) {
            jobs.add(job(i, model, widths[i]));
        }

        BatchRunner.Inferred inferred = runner.infer(jobs);

        assertThat(inferred.ran()).hasSize(8);
        for (int i = 0; i < widths.length; i++) {
            ModelOutput output = inferred.outputs().get(i);
            float width = widths[i];
            if (widths[i] == POISON_WIDTH) {
                assertThat(output).isInstanceOfSatisfying(ModelOutput.Unservable.class, refused -> {
                    assertThat(refused.code()).isEqualTo(ErrorCodes.MODEL_ERROR);
                    assertThat(refused.message()).contains("cannot take width 13");
                });
            } else {
                assertThat(output).isInstanceOfSatisfying(ModelOutput.VectorProduct.class,
                        vector -> assertThat(vector.vector()[0]).as("output in its request's place").isEqualTo(width));
            }
        }
        assertThat(model.callSizes).as("the whole batch, then halves down to the guilty ones").containsExactly(8, 4, 2, 2, 1, 1, 4, 2, 2, 1, 1);
    }

    private static Job job(int offset, ModelRunner model, int width) {
        String sha = "a".repeat(64);
        InferenceRequest request = InferenceRequest.newBuilder().setRequestId("r" + offset).setTenant("t").setModel("picky")
                .setInputs(List.of(new ImageRef("s3://kinfer/images/" + sha, sha, "image/png", width, 8, 1L)))
                .setSubmittedAt(Instant.now()).setCacheKey("k" + offset).build();
        return new Job(new TopicPartition("kinfer.requests.picky", 0), offset, request, Instant.now(), model, "all",
                CompletableFuture.completedFuture(List.of(new BufferedImage(width, 8, BufferedImage.TYPE_INT_RGB))));
    }
}
