package dev.kinfer.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a TensorFlow.js model, read straight from its weights manifest (a layers model's
 * {@code model.json}, or a bare {@code *-weights_manifest.json}) and binary shards: the shards, concatenated in
 * the manifest's order, hold each weight in the order the manifest lists them, as little-endian float32 or
 * quantised to uint8 ({@code value = q * scale + min}). Reading them here is the port: no converter, no Python.
 */
final class TfjsWeights {
    /** One weight: its TF shape (kernels are height, width, in, out) and values in row-major order. */
    record Tensor(long[] shape, float[] values) {
    }

    private TfjsWeights() {
    }

    static Map<String, Tensor> read(Path modelJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(modelJson.toFile());
            JsonNode manifest = root.isArray() ? root : root.path("weightsManifest");
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (JsonNode group : manifest) {
                ByteBuffer data = ByteBuffer.wrap(shards(modelJson.getParent(), group.path("paths"))).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode weight : group.path("weights")) {
                    String name = weight.path("name").asText();
                    JsonNode quantization = weight.path("quantization");
                    String stored = quantization.isObject() ? quantization.path("dtype").asText() : weight.path("dtype").asText("float32");
                    if (!"float32".equals(stored) && !"uint8".equals(stored)) {
                        throw new ModelLoadException("weight " + name + " is stored as " + stored + "; float32 and uint8 are read", null);
                    }
                    long[] shape = new long[weight.path("shape").size()];
                    long count = 1;
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = weight.path("shape").get(i).asLong();
                        count *= shape[i];
                    }
                    float[] values = new float[Math.toIntExact(count)];
                    if ("uint8".equals(stored)) {
                        double scale = quantization.path("scale").asDouble();
                        double min = quantization.path("min").asDouble();
                        for (int i = 0; i < values.length; i++) {
                            values[i] = (float) ((data.get() & 0xFF) * scale + min); // in double, as tfjs does
                        }
                    } else {
                        data.asFloatBuffer().get(values);
                        data.position(data.position() + 4 * values.length);
                    }
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
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (JsonNode path : paths) {
            all.write(Files.readAllBytes(Artifacts.file(dir, path.asText())));
        }
        return all.toByteArray();
    }
}
