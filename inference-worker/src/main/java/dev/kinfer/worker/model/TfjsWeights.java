package dev.kinfer.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a TensorFlow.js layers model, read straight from its {@code model.json} and binary shards:
 * the shards, concatenated in the manifest's order, hold each weight as little-endian float32 in the order
 * the manifest lists them. Reading them here is the port: no converter, no Python.
 */
final class TfjsWeights {
    /** One weight: its TF shape (kernels are height, width, in, out) and values in row-major order. */
    record Tensor(long[] shape, float[] values) {
    }

    private TfjsWeights() {
    }

    static Map<String, Tensor> read(Path modelJson) {
        try {
            JsonNode manifest = new ObjectMapper().readTree(modelJson.toFile()).path("weightsManifest");
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (JsonNode group : manifest) {
                ByteBuffer data = ByteBuffer.wrap(shards(modelJson.getParent(), group.path("paths"))).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode weight : group.path("weights")) {
                    String name = weight.path("name").asText();
                    if (!"float32".equals(weight.path("dtype").asText("float32"))) {
                        throw new ModelLoadException("weight " + name + " is " + weight.path("dtype").asText() + "; only float32 is read", null);
                    }
                    long[] shape = new long[weight.path("shape").size()];
                    long count = 1;
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = weight.path("shape").get(i).asLong();
                        count *= shape[i];
                    }
                    float[] values = new float[Math.toIntExact(count)];
                    data.asFloatBuffer().get(values);
                    data.position(data.position() + 4 * values.length);
                    weights.put(name, new Tensor(shape, values));
                }
                if (data.hasRemaining()) {
                    throw new ModelLoadException(modelJson + ": " + data.remaining() + " bytes of shard data left after the last weight", null);
                }
            }
            return weights;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelLoadException known) {
                throw known;
            }
            throw new ModelLoadException("cannot read TensorFlow.js weights from " + modelJson + ": " + e.getMessage(), e);
        }
    }

    private static byte[] shards(Path dir, JsonNode paths) throws IOException {
        var all = new java.io.ByteArrayOutputStream();
        for (JsonNode path : paths) {
            all.write(Files.readAllBytes(dir.resolve(path.asText())));
        }
        return all.toByteArray();
    }
}
