package dev.kinfer.worker.model;

import dev.kinfer.catalog.ModelManifest;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in model for scaling runs and failure tests, clearly not a real one: a batch costs
 * {@code batchCostMs + itemCostMs x size} of waiting (not of CPU), the way a GPU's cost barely depends on the
 * host's cores, and answers each input with the vector {@code [width, height, batch size]}.
 */
final class SyntheticCost implements ModelRunner {
    private final ModelManifest manifest;
    private final long batchCostNanos;
    private final long itemCostNanos;

    SyntheticCost(ModelManifest manifest) {
        this.manifest = manifest;
        this.batchCostNanos = micros(manifest, "batchCostMs");
        this.itemCostNanos = micros(manifest, "itemCostMs");
    }

    private static long micros(ModelManifest manifest, String option) {
        try {
            return (long) (Double.parseDouble(manifest.options().getOrDefault(option, "0")) * 1_000_000);
        } catch (NumberFormatException e) {
            throw new ModelLoadException("option " + option + " of " + manifest.name() + " is not a number", e);
        }
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
    public List<ModelOutput> run(List<ModelInput> inputs) {
        LockSupport.parkNanos(batchCostNanos + itemCostNanos * inputs.size());
        List<ModelOutput> outputs = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            BufferedImage image = input.image();
            outputs.add(new ModelOutput.VectorProduct(new float[] {image.getWidth(), image.getHeight(), inputs.size()}));
        }
        return outputs;
    }

    @Override
    public void close() {
    }
}
