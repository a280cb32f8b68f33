package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.TaskSpecs;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code verify-face}: are the faces in two photos one person, or is this the person registered as
 * {@code subject}, or who of the registered is it? And {@code register}: remember this face under a name. Each
 * photo's best face is found with BlazeFace
 * (option {@code detector}: its ONNX file beside the recognition weights), aligned on its eyes (turned level,
 * centred, scaled so the face fills a 150x150 chip as a detector's box does), described by
 * {@link FaceEmbedding}, and the two descriptors compared by cosine similarity. The match threshold (option
 * {@code threshold}) defaults to 0.91: face-api's documented Euclidean distance 0.6, for descriptors about 1.42
 * long (measured on this network), is a cosine of 1 - 0.6² / (2 x 1.42²). It was not calibrated on a labelled
 * set here; on the test photos one person scores 0.98-0.99 across crops, scales and a 12° turn, two people 0.87.
 *
 * <p>With one photo: parameter {@code register=<subject>} answers the descriptor, which the worker also writes
 * to the tenant's gallery ({@code kinfer.faces}); {@code subject=<subject>} compares with that registered face;
 * no parameter identifies: the registered face most alike, {@code matched} if it passes the threshold. What it
 * takes is {@link TaskSpecs#VERIFY_FACE}.
 */
final class FaceVerification implements ModelRunner {
    private static final float DEFAULT_THRESHOLD = 0.91f;
    /** The chip shows the detector's box and this much more around it, as face-api's detector boxes do. */
    private static final double CONTEXT = 1.25;
    static final String REGISTER = TaskSpecs.REGISTER;
    static final String SUBJECT = TaskSpecs.SUBJECT;

    private final ModelManifest manifest;
    private final ModelRunner detector;
    private final FaceEmbedding embedding;
    private final float threshold;

    FaceVerification(ModelManifest manifest, Path modelDir, int intraOpThreads) {
        this.manifest = manifest;
        String detectorFile = manifest.options().get("detector");
        if (detectorFile == null) {
            throw new ModelLoadException("verify-face needs option 'detector' (BlazeFace's ONNX file beside the weights)", null);
        }
        this.threshold = Float.parseFloat(manifest.options().getOrDefault("threshold", Float.toString(DEFAULT_THRESHOLD)));
        this.detector = FaceDetection.load(new ModelManifest(manifest.name() + "-detector", manifest.version(), "detect-faces",
                "OnnxRuntime", detectorFile, manifest.license(), manifest.device(), null, null, Map.of("inputSize", "128", "threshold", "0.5"),
                manifest.source()),
                modelDir, intraOpThreads);
        this.embedding = new FaceEmbedding(manifest, modelDir);
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public String bucket(int width, int height) {
        return "any";
    }

    @Override
    public boolean readsGallery() {
        return true;
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<Integer> facesFound = new ArrayList<>(inputs.size());
        List<ModelInput> chips = new ArrayList<>();
        for (ModelInput input : inputs) {
            List<BufferedImage> faces = new ArrayList<>();
            for (BufferedImage photo : input.images()) {
                Optional<BufferedImage> face = alignedFace(photo);
                if (face.isEmpty()) {
                    break;
                }
                faces.add(face.get());
            }
            facesFound.add(faces.size());
            if (faces.size() == input.images().size()) {
                faces.forEach(face -> chips.add(ModelInput.of(face)));
            }
        }
        // Every face of the batch in one model call.
        Iterator<ModelOutput> described = (chips.isEmpty() ? List.<ModelOutput>of() : embedding.run(chips)).iterator();
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ModelInput input = inputs.get(i);
            if (facesFound.get(i) < input.images().size()) {
                outputs.add(new ModelOutput.Unservable("no-face", "no face found in image " + (facesFound.get(i) + 1)));
                continue;
            }
            List<float[]> descriptors = new ArrayList<>();
            for (int k = 0; k < input.images().size(); k++) {
                descriptors.add(((ModelOutput.VectorProduct) described.next()).vector());
            }
            outputs.add(answer(input, descriptors));
        }
        return outputs;
    }

    private ModelOutput answer(ModelInput input, List<float[]> descriptors) {
        float[] face = descriptors.getFirst();
        if (descriptors.size() == 2) {
            float similarity = cosine(face, descriptors.get(1));
            return new ModelOutput.Verified(similarity >= threshold, similarity, null);
        }
        if (input.params().containsKey(REGISTER)) {
            return new ModelOutput.Registered(input.params().get(REGISTER), face);
        }
        String subject = input.params().get(SUBJECT);
        if (subject != null) {
            float[] registered = input.gallery().get(subject);
            if (registered == null) {
                return new ModelOutput.Unservable("unknown-subject", "no face is registered as " + subject);
            }
            float similarity = cosine(face, registered);
            return new ModelOutput.Verified(similarity >= threshold, similarity, subject);
        }
        return input.gallery().entrySet().stream()
                .map(entry -> new ModelOutput.Verified(false, cosine(face, entry.getValue()), entry.getKey()))
                .max(Comparator.comparingDouble(ModelOutput.Verified::similarity))
                .<ModelOutput>map(best -> new ModelOutput.Verified(best.similarity() >= threshold, best.similarity(), best.subject()))
                .orElse(new ModelOutput.Unservable("empty-gallery", "no face is registered for this tenant"));
    }

    /** The best face of the photo as a level 150x150 chip, or empty if there is none. */
    Optional<BufferedImage> alignedFace(BufferedImage photo) {
        List<ModelOutput.Face> faces = ((ModelOutput.Faces) detector.run(List.of(ModelInput.of(photo))).getFirst()).faces();
        if (faces.isEmpty()) {
            return Optional.empty();
        }
        ModelOutput.Face face = faces.getFirst();
        float[] k = face.keypoints(); // right eye, left eye (the subject's), ...
        double angle = Math.atan2(k[3] - k[1], k[2] - k[0]);
        double side = Math.max(face.width(), face.height()) * CONTEXT;
        double centreX = face.x() + face.width() / 2.0;
        double centreY = face.y() + face.height() / 2.0;
        AffineTransform chip = new AffineTransform();
        chip.translate(FaceEmbedding.SIDE / 2.0, FaceEmbedding.SIDE / 2.0);
        chip.scale(FaceEmbedding.SIDE / side, FaceEmbedding.SIDE / side);
        chip.rotate(-angle);
        chip.translate(-centreX, -centreY);
        BufferedImage aligned = new BufferedImage(FaceEmbedding.SIDE, FaceEmbedding.SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = aligned.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, chip, null);
        g.dispose();
        return Optional.of(aligned);
    }

    static float cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(normA * normB));
    }

    @Override
    public Device device() {
        return embedding.device();
    }

    @Override
    public void close() {
        detector.close();
        embedding.close();
    }
}
