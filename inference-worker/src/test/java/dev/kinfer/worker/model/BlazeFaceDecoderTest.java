package dev.kinfer.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlazeFaceDecoderTest {
    private static final int SIDE = 128;
    private static final float SURE = 5f; // logit: sigmoid ~0.993
    private static final float UNLIKELY = -5f;

    @Test
    void shouldDecodeAnAnchorAgainstItsCellCentreInInputUnits() {
        float[] scores1 = filled(16 * 16 * 2, UNLIKELY);
        float[] boxes1 = new float[scores1.length * 16];
        // Anchor 2 * (3 * 16 + 5) + 1: cell column 5, row 3 of the stride-8 grid: centre (5.5 / 16, 3.5 / 16).
        int anchor = 2 * (3 * 16 + 5) + 1;
        scores1[anchor] = SURE;
        regress(boxes1, anchor, 4, -8, 32, 40, 2, 3);

        List<BlazeFaceDecoder.Face> faces = BlazeFaceDecoder.decode(scores1, boxes1, filled(8 * 8 * 6, UNLIKELY),
                new float[8 * 8 * 6 * 16], SIDE, 0.5f);

        assertThat(faces).hasSize(1);
        BlazeFaceDecoder.Face face = faces.getFirst();
        assertThat(face.centerX()).isCloseTo(5.5f / 16 + 4f / SIDE, offset(1e-6f));
        assertThat(face.centerY()).isCloseTo(3.5f / 16 - 8f / SIDE, offset(1e-6f));
        assertThat(face.width()).isCloseTo(32f / SIDE, offset(1e-6f));
        assertThat(face.height()).isCloseTo(40f / SIDE, offset(1e-6f));
        assertThat(face.keypoints()[0]).isCloseTo(5.5f / 16 + 2f / SIDE, offset(1e-6f));
        assertThat(face.keypoints()[1]).isCloseTo(3.5f / 16 + 3f / SIDE, offset(1e-6f));
        assertThat(face.score()).isCloseTo(0.993f, offset(0.001f));
    }

    @Test
    void shouldMergeOverlappingCandidatesIntoTheirScoreWeightedMean() {
        BlazeFaceDecoder.Face strong = face(0.50f, 0.50f, 0.9f);
        BlazeFaceDecoder.Face weak = face(0.52f, 0.50f, 0.3f);
        BlazeFaceDecoder.Face elsewhere = face(0.10f, 0.10f, 0.8f);

        List<BlazeFaceDecoder.Face> merged = BlazeFaceDecoder.mergeOverlaps(List.of(weak, elsewhere, strong));

        assertThat(merged).hasSize(2);
        assertThat(merged.get(0).score()).isEqualTo(0.9f);
        assertThat(merged.get(0).centerX()).isCloseTo((0.9f * 0.50f + 0.3f * 0.52f) / 1.2f, offset(1e-6f));
        assertThat(merged.get(1).centerX()).isCloseTo(0.10f, offset(1e-6f));
    }

    @Test
    void shouldRefuseOutputsThatDoNotMatchTheAnchorGrid() {
        assertThatThrownBy(() -> BlazeFaceDecoder.decode(new float[10], new float[160], new float[384], new float[384 * 16], SIDE, 0.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square grid").hasMessageContaining("got 10 scores");
    }

    @Test
    void shouldPlaceTheBackCameraModelsAnchorsOnItsCoarserGrid() {
        // 256 px input, strides 16 and 32: the same 16x16 and 8x8 grids, twice as many pixels per regressor unit's cell.
        int side = 256;
        float[] scores2 = filled(8 * 8 * 6, UNLIKELY);
        float[] boxes2 = new float[scores2.length * 16];
        int anchor = 6 * (7 * 8 + 2); // column 2, row 7: centre (2.5 / 8, 7.5 / 8)
        scores2[anchor] = SURE;
        regress(boxes2, anchor, 16, 0, 64, 64, 0, 0);

        List<BlazeFaceDecoder.Face> faces = BlazeFaceDecoder.decode(filled(16 * 16 * 2, UNLIKELY), new float[16 * 16 * 2 * 16], scores2,
                boxes2, side, 0.5f);

        assertThat(faces).hasSize(1);
        assertThat(faces.getFirst().centerX()).isCloseTo(2.5f / 8 + 16f / side, offset(1e-6f));
        assertThat(faces.getFirst().centerY()).isCloseTo(7.5f / 8, offset(1e-6f));
        assertThat(faces.getFirst().width()).isCloseTo(0.25f, offset(1e-6f));
    }

    private static BlazeFaceDecoder.Face face(float x, float y, float score) {
        return new BlazeFaceDecoder.Face(x, y, 0.2f, 0.2f, score, new float[12]);
    }

    private static void regress(float[] boxes, int anchor, float... values) {
        System.arraycopy(values, 0, boxes, anchor * 16, values.length);
    }

    private static float[] filled(int length, float value) {
        float[] array = new float[length];
        java.util.Arrays.fill(array, value);
        return array;
    }
}
