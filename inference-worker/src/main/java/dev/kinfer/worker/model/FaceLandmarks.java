package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.TaskSpecs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code detect-faces} with face-api's 68-point landmark network ({@link FaceApiNetwork}, 136 outputs): asked for
 * ({@code landmarks=68}), each face's 68 points (the iBUG 300-W order: jaw 0-16, brows 17-26, nose 27-35, eyes
 * 36-47, mouth 48-67) replace its six keypoints, in the photo's pixels. The network sees the square
 * {@link #CONTEXT} times the face box's longer side around it, scaled to 112x112 ({@link FaceCrops#around}), and
 * answers each point in 0..1 of that square, as {@code FaceLandmark68Net.forwardInput} does for a square input.
 * Manifest option {@value #OPTION}: the network's weights manifest beside the detector.
 */
final class FaceLandmarks implements ModelRunner {
    static final String OPTION = "landmarks68";
    /** BlazeFace's box runs from the brows to the chin; face-api's network was trained on boxes with the jaw and brow. */
    static final double CONTEXT = 1.25;
    private static final int POINTS = 68;

    private final ModelRunner detector;
    private final FaceApiNetwork network;

    FaceLandmarks(ModelRunner detector, ModelManifest manifest, Path modelDir) {
        this.detector = detector;
        try {
            this.network = new FaceApiNetwork(manifest, modelDir, manifest.options().get(OPTION), 2 * POINTS);
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    @Override
    public ModelManifest manifest() {
        return detector.manifest();
    }

    @Override
    public String bucket(int width, int height) {
        return detector.bucket(width, height);
    }

    @Override
    public void checkParams(Map<String, String> params) {
        detector.checkParams(params);
    }

    @Override
    public List<ModelOutput> run(List<ModelInput> inputs) {
        List<ModelOutput> found = detector.run(inputs);
        List<ModelOutput> outputs = new ArrayList<>(found);
        for (int i = 0; i < inputs.size(); i++) {
            ModelInput input = inputs.get(i);
            List<ModelOutput.Face> faces = ((ModelOutput.Faces) found.get(i)).faces();
            if (TaskSpecs.LANDMARKS_68.equals(input.params().get(TaskSpecs.LANDMARKS)) && !faces.isEmpty()) {
                outputs.set(i, new ModelOutput.Faces(withLandmarks(input.image(), faces)));
            }
        }
        return outputs;
    }

    /** Every face of one photo through the network in one call. */
    private List<ModelOutput.Face> withLandmarks(BufferedImage photo, List<ModelOutput.Face> faces) {
        List<FaceCrops.Crop> crops = faces.stream()
                .map(f -> FaceCrops.around(photo, f.x(), f.y(), f.width(), f.height(), CONTEXT, FaceApiNetwork.SIDE)).toList();
        float[][] points = network.run(crops.stream().map(FaceCrops.Crop::image).toList());
        List<ModelOutput.Face> landmarked = new ArrayList<>(faces.size());
        for (int f = 0; f < faces.size(); f++) {
            FaceCrops.Crop crop = crops.get(f);
            float[] inPhoto = new float[2 * POINTS];
            for (int k = 0; k < POINTS; k++) {
                inPhoto[2 * k] = crop.x(points[f][2 * k]);
                inPhoto[2 * k + 1] = crop.y(points[f][2 * k + 1]);
            }
            ModelOutput.Face face = faces.get(f);
            landmarked.add(new ModelOutput.Face(face.x(), face.y(), face.width(), face.height(), face.score(), inPhoto));
        }
        return landmarked;
    }

    @Override
    public Device device() {
        return detector.device();
    }

    @Override
    public void close() {
        try {
            network.close();
        } finally {
            detector.close();
        }
    }
}
