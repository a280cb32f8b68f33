package dev.kinfer.worker.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns BlazeFace's raw SSD outputs into faces: each anchor's score logit and its 16 regressors (box centre
 * offset, box size, six keypoint offsets, in input pixels) decoded against the anchor grid, thresholded, then
 * merged by weighted non-maximum suppression, as MediaPipe does (overlapping candidates are averaged by score
 * rather than dropped, which steadies the box).
 *
 * <p>The anchors are MediaPipe's for BlazeFace: a finer grid with 2 anchors per cell, then a coarser one with 6,
 * all of unit size, at cell centres. The grids' sizes follow from the outputs: 16x16 and 8x8 cells for both the
 * front-camera model (128 px input, strides 8 and 16) and the back-camera one (256 px, strides 16 and 32).
 */
final class BlazeFaceDecoder {
    static final int REGRESSORS = 16;
    static final int KEYPOINTS = 6;
    private static final float IOU_MERGE = 0.3f;

    private BlazeFaceDecoder() {
    }

    /** A face in coordinates normalised to the model input (0..1 across and down). */
    record Face(float centerX, float centerY, float width, float height, float score, float[] keypoints) {
        float left() {
            return centerX - width / 2;
        }

        float top() {
            return centerY - height / 2;
        }
    }

    /**
     * @param scores1 score logits of the finer layer, 2 per cell
     * @param boxes1  its regressors, {@value #REGRESSORS} per anchor
     * @param scores2 score logits of the coarser layer, 6 per cell
     * @param boxes2  its regressors
     * @param side    the model's input side in pixels (the regressors' unit)
     */
    static List<Face> decode(float[] scores1, float[] boxes1, float[] scores2, float[] boxes2, int side, float threshold) {
        List<Face> candidates = new ArrayList<>();
        collect(scores1, boxes1, 2, side, threshold, candidates);
        collect(scores2, boxes2, 6, side, threshold, candidates);
        return mergeOverlaps(candidates);
    }

    private static void collect(float[] scores, float[] boxes, int anchorsPerCell, int side, float threshold, List<Face> out) {
        int cellsPerRow = (int) Math.round(Math.sqrt(scores.length / (double) anchorsPerCell));
        if (scores.length != cellsPerRow * cellsPerRow * anchorsPerCell || boxes.length != scores.length * REGRESSORS) {
            throw new IllegalArgumentException("expected a square grid of " + anchorsPerCell + " anchors per cell, with "
                    + REGRESSORS + " regressors each; got " + scores.length + " scores and " + boxes.length + " regressors");
        }
        for (int anchor = 0; anchor < scores.length; anchor++) {
            float score = sigmoid(scores[anchor]);
            if (score < threshold) {
                continue;
            }
            int cell = anchor / anchorsPerCell;
            float anchorX = (cell % cellsPerRow + 0.5f) / cellsPerRow;
            float anchorY = (cell / cellsPerRow + 0.5f) / cellsPerRow;
            int at = anchor * REGRESSORS;
            float[] keypoints = new float[2 * KEYPOINTS];
            for (int k = 0; k < KEYPOINTS; k++) {
                keypoints[2 * k] = anchorX + boxes[at + 4 + 2 * k] / side;
                keypoints[2 * k + 1] = anchorY + boxes[at + 5 + 2 * k] / side;
            }
            out.add(new Face(anchorX + boxes[at] / side, anchorY + boxes[at + 1] / side,
                    boxes[at + 2] / side, boxes[at + 3] / side, score, keypoints));
        }
    }

    /** Weighted NMS: the best candidate absorbs every other one overlapping it by more than {@link #IOU_MERGE}. */
    static List<Face> mergeOverlaps(List<Face> candidates) {
        List<Face> remaining = new ArrayList<>(candidates);
        remaining.sort(Comparator.comparingDouble(Face::score).reversed());
        List<Face> faces = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Face best = remaining.getFirst();
            List<Face> group = remaining.stream().filter(f -> iou(best, f) > IOU_MERGE).toList();
            remaining.removeAll(group);
            faces.add(weightedMean(group, best.score()));
        }
        return faces;
    }

    private static Face weightedMean(List<Face> group, float score) {
        float total = 0;
        float[] sums = new float[4 + 2 * KEYPOINTS];
        for (Face f : group) {
            float w = f.score();
            total += w;
            sums[0] += w * f.centerX();
            sums[1] += w * f.centerY();
            sums[2] += w * f.width();
            sums[3] += w * f.height();
            for (int k = 0; k < 2 * KEYPOINTS; k++) {
                sums[4 + k] += w * f.keypoints()[k];
            }
        }
        float[] keypoints = new float[2 * KEYPOINTS];
        for (int k = 0; k < keypoints.length; k++) {
            keypoints[k] = sums[4 + k] / total;
        }
        return new Face(sums[0] / total, sums[1] / total, sums[2] / total, sums[3] / total, score, keypoints);
    }

    static float iou(Face a, Face b) {
        float overlapW = Math.max(0, Math.min(a.left() + a.width(), b.left() + b.width()) - Math.max(a.left(), b.left()));
        float overlapH = Math.max(0, Math.min(a.top() + a.height(), b.top() + b.height()) - Math.max(a.top(), b.top()));
        float inner = overlapW * overlapH;
        return inner / (a.width() * a.height() + b.width() * b.height() - inner);
    }

    private static float sigmoid(float logit) {
        return (float) (1 / (1 + Math.exp(-logit)));
    }
}
