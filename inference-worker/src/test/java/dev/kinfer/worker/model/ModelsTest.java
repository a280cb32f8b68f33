package dev.kinfer.worker.model;

import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import dev.kinfer.catalog.InvalidParameterException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads a real TorchScript model (made by tools/make-test-models.py) through the worker's own loading path. */
class ModelsTest {
    @TempDir
    Path modelDir;

    @Test
    void shouldRunATorchScriptImageToImageModelAsOneBatchOnThePyTorchEngine() throws IOException {
        install("invert.pt", """
                {"name": "invert", "version": "1", "task": "stylize", "engine": "PyTorch", "artifact": "invert.pt", "license": "test"}
                """);
        BufferedImage red = solid(0xC83214, 6, 4);
        BufferedImage grey = solid(0x808080, 6, 4);

        try (Models.Loaded loaded = Models.loadAndWarmUp(modelDir, new ModelSettings(2, null, 1))) {
            ModelRunner runner = loaded.runner();
            List<ModelOutput> outputs = runner.run(List.of(ModelInput.of(red), ModelInput.of(grey)));

            assertThat(outputs).hasSize(2);
            BufferedImage invertedRed = ((ModelOutput.ImageProduct) outputs.get(0)).image();
            BufferedImage invertedGrey = ((ModelOutput.ImageProduct) outputs.get(1)).image();
            assertThat(invertedRed.getWidth()).isEqualTo(6);
            assertThat(invertedRed.getHeight()).isEqualTo(4);
            assertChannelsNear(invertedRed.getRGB(3, 2), 255 - 0xC8, 255 - 0x32, 255 - 0x14);
            assertChannelsNear(invertedGrey.getRGB(0, 0), 127, 127, 127);
        }
    }

    @Test
    void shouldClassifyWithNormalisationSoftmaxLabelsAndTopKPerRequest() throws IOException {
        install("colour-classifier.pt", """
                {"name": "colours", "version": "1", "task": "classify", "engine": "PyTorch", "artifact": "colour-classifier.pt",
                 "license": "test", "options": {"labels": "colour-classifier.labels", "topK": "2"}}
                """);
        install("colour-classifier.labels", null);
        BufferedImage blue = solid(0x1020E0, 300, 200);
        BufferedImage green = solid(0x20D040, 64, 64);

        try (Models.Loaded loaded = Models.loadAndWarmUp(modelDir, new ModelSettings(2, null, 1))) {
            ModelRunner runner = loaded.runner();
            List<ModelOutput> outputs = runner.run(List.of(ModelInput.of(blue), new ModelInput(List.of(green), Map.of("topK", "3"))));

            List<ModelOutput.Label> forBlue = ((ModelOutput.Labels) outputs.get(0)).labels();
            List<ModelOutput.Label> forGreen = ((ModelOutput.Labels) outputs.get(1)).labels();
            assertThat(forBlue).extracting(ModelOutput.Label::label).containsExactly("blue", "green");
            assertThat(forBlue.getFirst().probability()).isGreaterThan(0.99f);
            assertThat(forGreen).extracting(ModelOutput.Label::label).containsExactly("green", "blue", "red");
            assertThat(forGreen.stream().mapToDouble(ModelOutput.Label::probability).sum()).isCloseTo(1.0, offset(1e-4));
            assertThatThrownBy(() -> runner.checkParams(Map.of("topK", "4")))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("from 1 to 3");
            assertThatThrownBy(() -> runner.checkParams(Map.of("colour", "red")))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("only 'topK'");
        }
    }

    @Test
    void shouldGiveTheContentTheStylesColourStatistics() throws IOException {
        Files.writeString(modelDir.resolve("manifest.json"), """
                {"name": "colour-transfer", "version": "1", "task": "style-transfer", "engine": "PyTorch", "license": "none"}
                """);
        BufferedImage content = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                content.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90); // a red-green gradient
            }
        }
        BufferedImage flatStyle = solid(0x3060C0, 17, 23);
        BufferedImage twoToneStyle = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                twoToneStyle.setRGB(x, y, x < 10 ? 0x204080 : 0x80A0E0);
            }
        }

        try (Models.Loaded loaded = Models.loadAndWarmUp(modelDir, new ModelSettings(2, null, 1))) {
            assertThat(loaded.runner().inputCount()).isEqualTo(2);
            List<ModelOutput> outputs = loaded.runner().run(List.of(
                    new ModelInput(List.of(content, flatStyle), Map.of()), new ModelInput(List.of(content, twoToneStyle), Map.of())));

            BufferedImage flat = ((ModelOutput.ImageProduct) outputs.get(0)).image();
            BufferedImage twoTone = ((ModelOutput.ImageProduct) outputs.get(1)).image();
            assertThat(flat.getWidth()).isEqualTo(40);
            assertThat(flat.getHeight()).isEqualTo(30);
            // A style without spread leaves nothing of the content but its size.
            assertChannelsNear(flat.getRGB(0, 0), 0x30, 0x60, 0xC0);
            assertChannelsNear(flat.getRGB(39, 29), 0x30, 0x60, 0xC0);
            // The content's gradient survives, in the style's blues: dark corner dark, bright corner bright.
            assertThat(blue(twoTone.getRGB(0, 0))).isLessThan(blue(twoTone.getRGB(39, 29)));
            assertThat(blue(twoTone.getRGB(39, 29))).isGreaterThan(red(twoTone.getRGB(39, 29)));
        }
    }

    @Test
    void shouldServeATwoInputStyleNetworkRequestByRequest() throws IOException {
        install("adain.pt", """
                {"name": "adain", "version": "1", "task": "style-transfer", "engine": "PyTorch", "artifact": "adain.pt", "license": "test"}
                """);
        BufferedImage content = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                content.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90);
            }
        }
        BufferedImage flatStyle = solid(0x3060C0, 17, 23);

        try (Models.Loaded loaded = Models.loadAndWarmUp(modelDir, new ModelSettings(2, null, 1))) {
            assertThat(loaded.runner().inputCount()).isEqualTo(2);
            List<ModelOutput> outputs = loaded.runner().run(List.of(new ModelInput(List.of(content, flatStyle), Map.of()),
                    new ModelInput(List.of(flatStyle, content), Map.of())));

            BufferedImage styled = ((ModelOutput.ImageProduct) outputs.get(0)).image();
            assertThat(styled.getWidth()).isEqualTo(40);
            assertThat(styled.getHeight()).isEqualTo(30);
            // AdaIN with a style without spread: every pixel becomes the style's mean.
            assertChannelsNear(styled.getRGB(0, 0), 0x30, 0x60, 0xC0);
            assertChannelsNear(styled.getRGB(39, 29), 0x30, 0x60, 0xC0);
            assertThat(((ModelOutput.ImageProduct) outputs.get(1)).image().getWidth()).as("each request its own size").isEqualTo(17);
        }
    }

    @Test
    void shouldBatchAsTheManifestSaysUnlessTheDeploymentOverridesIt() throws IOException {
        install("invert.pt", """
                {"name": "invert", "version": "1", "task": "stylize", "engine": "PyTorch", "artifact": "invert.pt", "license": "test",
                 "maxBatchSize": 3, "maxDelayMs": 7}
                """);

        try (Models.Loaded fromManifest = Models.loadAndWarmUp(modelDir, new ModelSettings(null, null, 1));
             Models.Loaded overridden = Models.loadAndWarmUp(modelDir, new ModelSettings(2, Duration.ZERO, 1))) {
            assertThat(fromManifest.limits()).isEqualTo(new BatchLimits(3, Duration.ofMillis(7)));
            assertThat(overridden.limits()).isEqualTo(new BatchLimits(2, Duration.ZERO));
            assertThat(JniUtils.getNumThreads()).as("PyTorch intra-op threads").isEqualTo(1);
        }
    }

    @Test
    void shouldNameEveryProblemOfAnInvalidManifest() throws IOException {
        Files.writeString(modelDir.resolve("manifest.json"), """
                {"name": "Bad Name", "version": "", "task": "dance", "engine": "TensorFlow", "artifact": "missing.onnx",
                 "maxBatchSize": 0, "maxDelayMs": -1}
                """);

        assertThatThrownBy(() -> Models.loadAndWarmUp(modelDir, ModelSettings.MANIFEST_DEFAULTS))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("name must match")
                .hasMessageContaining("version is required")
                .hasMessageContaining("task must be one of")
                .hasMessageContaining("engine must be one of")
                .hasMessageContaining("artifact missing.onnx is not a file")
                .hasMessageContaining("maxBatchSize must be at least 1")
                .hasMessageContaining("maxDelayMs must not be negative");
    }

    /** Copies a test resource into the model directory, with {@code manifest} unless it is null. */
    private void install(String artifact, String manifest) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/models/" + artifact)) {
            Files.copy(in, modelDir.resolve(artifact));
        }
        if (manifest != null) {
            Files.writeString(modelDir.resolve("manifest.json"), manifest);
        }
    }

    private static BufferedImage solid(int rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }

    private static void assertChannelsNear(int rgb, int r, int g, int b) {
        assertThat((rgb >> 16) & 0xFF).isCloseTo(r, offset(1));
        assertThat((rgb >> 8) & 0xFF).isCloseTo(g, offset(1));
        assertThat(rgb & 0xFF).isCloseTo(b, offset(1));
    }
}
