package dev.kinfer.stack;

import dev.kinfer.schemas.Box;
import dev.kinfer.schemas.Classifications;
import dev.kinfer.schemas.Detection;
import dev.kinfer.schemas.Detections;
import dev.kinfer.schemas.Embedding;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Verification;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a replayed request's result compares with the original's, by what the task means: the same top label for a
 * classification, the same faces (each matched at IoU 0.5) for detections, the same verdict for a verification,
 * near-parallel vectors for embeddings, and the mean absolute pixel difference for an image output.
 */
final class ReplayComparison {
    static final double SAME_FACE_IOU = 0.5;
    static final double SAME_EMBEDDING_COSINE = 0.99;

    /**
     * One request's comparison.
     *
     * @param agrees          whether the replay gave the same answer (for image outputs: the same size)
     * @param pixelDifference for image outputs: mean absolute difference per channel (RGB, and alpha where either has
     *                        one), 0 to 255; otherwise null
     * @param detail          what differs, or what was compared, for a person to read
     */
    record Verdict(boolean agrees, Double pixelDifference, String detail) {
    }

    private ReplayComparison() {
    }

    /** {@code images} reads an output image from the object store. */
    static Verdict compare(InferenceResult original, InferenceResult replayed, Function<ImageRef, BufferedImage> images) {
        if (original.getStatus() != ResultStatus.SUCCEEDED || replayed.getStatus() != ResultStatus.SUCCEEDED) {
            String before = outcome(original);
            String after = outcome(replayed);
            return new Verdict(before.equals(after), null, before + " -> " + after);
        }
        return switch (original.getOutput()) {
            case Classifications before when replayed.getOutput() instanceof Classifications after -> classifications(before, after);
            case Detections before when replayed.getOutput() instanceof Detections after -> detections(before, after);
            case Verification before when replayed.getOutput() instanceof Verification after -> new Verdict(
                    before.getMatched() == after.getMatched() && String.valueOf(before.getSubject()).equals(String.valueOf(after.getSubject())),
                    null, String.format(Locale.ROOT, "matched %s -> %s, similarity %.3f -> %.3f", before.getMatched(), after.getMatched(),
                            before.getSimilarity(), after.getSimilarity()));
            case Embedding before when replayed.getOutput() instanceof Embedding after -> {
                double cosine = cosine(before.getVector(), after.getVector());
                yield new Verdict(cosine >= SAME_EMBEDDING_COSINE, null, String.format(Locale.ROOT, "cosine %.4f", cosine));
            }
            case ImageOutput before when replayed.getOutput() instanceof ImageOutput after ->
                    images(images.apply(before.getImage()), images.apply(after.getImage()));
            default -> new Verdict(false, null, "output " + kind(original) + " -> " + kind(replayed));
        };
    }

    private static Verdict classifications(Classifications before, Classifications after) {
        String top = before.getLabels().isEmpty() ? "none" : before.getLabels().getFirst().getLabel();
        String replayedTop = after.getLabels().isEmpty() ? "none" : after.getLabels().getFirst().getLabel();
        return new Verdict(top.equals(replayedTop), null, "top-1 " + top + " -> " + replayedTop);
    }

    private static Verdict detections(Detections before, Detections after) {
        List<Detection> unmatched = new ArrayList<>(after.getFaces());
        int matched = 0;
        for (Detection face : before.getFaces()) {
            Detection best = null;
            double bestIou = SAME_FACE_IOU;
            for (Detection candidate : unmatched) {
                double iou = iou(face.getBox(), candidate.getBox());
                if (iou >= bestIou) {
                    best = candidate;
                    bestIou = iou;
                }
            }
            if (best != null) {
                unmatched.remove(best);
                matched++;
            }
        }
        boolean same = matched == before.getFaces().size() && unmatched.isEmpty();
        return new Verdict(same, null, before.getFaces().size() + " faces -> " + after.getFaces().size() + ", " + matched + " matched");
    }

    private static Verdict images(BufferedImage before, BufferedImage after) {
        if (before.getWidth() != after.getWidth() || before.getHeight() != after.getHeight()) {
            return new Verdict(false, null, "size " + before.getWidth() + "x" + before.getHeight() + " -> " + after.getWidth() + "x"
                    + after.getHeight());
        }
        // Alpha counts only where there is one: a difference in RGB is not diluted by an opaque alpha channel.
        int channels = before.getColorModel().hasAlpha() || after.getColorModel().hasAlpha() ? 4 : 3;
        long sum = 0;
        for (int y = 0; y < before.getHeight(); y++) {
            for (int x = 0; x < before.getWidth(); x++) {
                int a = before.getRGB(x, y);
                int b = after.getRGB(x, y);
                for (int shift = 0; shift < 8 * channels; shift += 8) {
                    sum += Math.abs(((a >>> shift) & 0xff) - ((b >>> shift) & 0xff));
                }
            }
        }
        double mean = sum / ((double) channels * before.getWidth() * before.getHeight());
        return new Verdict(true, mean, String.format(Locale.ROOT, "mean pixel difference %.2f", mean));
    }

    static double iou(Box a, Box b) {
        double x = Math.max(0, Math.min(a.getX() + a.getWidth(), b.getX() + b.getWidth()) - Math.max(a.getX(), b.getX()));
        double y = Math.max(0, Math.min(a.getY() + a.getHeight(), b.getY() + b.getHeight()) - Math.max(a.getY(), b.getY()));
        double intersection = x * y;
        double union = a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static double cosine(List<Float> a, List<Float> b) {
        if (a.size() != b.size()) {
            return 0;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
            na += a.get(i) * a.get(i);
            nb += b.get(i) * b.get(i);
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static String outcome(InferenceResult result) {
        return result.getError() == null ? result.getStatus().name() : result.getStatus() + " (" + result.getError().getCode() + ")";
    }

    private static String kind(InferenceResult result) {
        return result.getOutput() == null ? "none" : result.getOutput().getClass().getSimpleName();
    }
}
