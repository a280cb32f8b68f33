package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.Box;
import dev.kinfer.schemas.Classification;
import dev.kinfer.schemas.Classifications;
import dev.kinfer.schemas.Detection;
import dev.kinfer.schemas.Detections;
import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayComparisonTest {
    @Test
    void shouldCompareClassificationsByTheirTopLabel() {
        var cat = result(new Classifications(List.of(new Classification("cat", 0.9f), new Classification("dog", 0.1f))));
        var catAgain = result(new Classifications(List.of(new Classification("cat", 0.6f), new Classification("dog", 0.4f))));
        var dog = result(new Classifications(List.of(new Classification("dog", 0.7f), new Classification("cat", 0.3f))));

        assertThat(ReplayComparison.compare(cat, catAgain, null).agrees()).isTrue();
        assertThat(ReplayComparison.compare(cat, dog, null)).satisfies(v -> {
            assertThat(v.agrees()).isFalse();
            assertThat(v.detail()).isEqualTo("top-1 cat -> dog");
        });
    }

    @Test
    void shouldMatchFacesAtHalfOverlap() {
        var one = result(new Detections(List.of(face(10, 10, 20, 20))));
        var shifted = result(new Detections(List.of(face(12, 12, 20, 20)))); // IoU 0.68
        var far = result(new Detections(List.of(face(25, 25, 20, 20)))); // IoU 0.07
        var two = result(new Detections(List.of(face(10, 10, 20, 20), face(50, 50, 10, 10))));

        assertThat(ReplayComparison.compare(one, shifted, null).agrees()).isTrue();
        assertThat(ReplayComparison.compare(one, far, null).agrees()).isFalse();
        assertThat(ReplayComparison.compare(one, two, null).detail()).isEqualTo("1 faces -> 2, 1 matched");
        assertThat(ReplayComparison.iou(new Box(0f, 0f, 10f, 10f), new Box(5f, 0f, 10f, 10f))).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldMeasureTheMeanPixelDifferenceOfImageOutputs() {
        BufferedImage black = image(Color.BLACK);
        BufferedImage grey = image(new Color(30, 60, 90));
        var before = result(new ImageOutput(ref("before")));
        var after = result(new ImageOutput(ref("after")));
        Map<String, BufferedImage> store = Map.of("s3://kinfer/before", black, "s3://kinfer/after", grey);

        ReplayComparison.Verdict verdict = ReplayComparison.compare(before, after, ref -> store.get(ref.getUri()));

        assertThat(verdict.pixelDifference()).isEqualTo(60.0); // (30 + 60 + 90) / 3 channels, no alpha
        assertThat(ReplayComparison.compare(before, before, ref -> store.get(ref.getUri())).pixelDifference()).isZero();
    }

    @Test
    void shouldCompareOutcomesWhenEitherFailed() {
        var ok = result(new Classifications(List.of(new Classification("cat", 0.9f))));
        var failed = result(null);
        failed.setStatus(ResultStatus.FAILED);
        failed.setError(new ErrorInfo("invalid-parameter", "bad", false));

        assertThat(ReplayComparison.compare(ok, failed, null)).satisfies(v -> {
            assertThat(v.agrees()).isFalse();
            assertThat(v.detail()).isEqualTo("SUCCEEDED -> FAILED (invalid-parameter)");
        });
        assertThat(ReplayComparison.compare(failed, failed, null).agrees()).isTrue();
    }

    private static InferenceResult result(Object output) {
        return InferenceResult.newBuilder().setRequestId("r").setTenant("t").setModel("m").setModelVersion("1")
                .setStatus(ResultStatus.SUCCEEDED).setOutput(output).setTimings(new Timings(0L, 0L, 0L, 1, "w"))
                .setCompletedAt(Instant.EPOCH).build();
    }

    private static Detection face(float x, float y, float w, float h) {
        return new Detection(new Box(x, y, w, h), 0.9f, List.of());
    }

    private static ImageRef ref(String key) {
        return new ImageRef("s3://kinfer/" + key, "0".repeat(64), "image/png", 4, 4, 10L);
    }

    private static BufferedImage image(Color color) {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 4, 4);
        g.dispose();
        return image;
    }
}
