package dev.kinfer.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdPhotoTest {
    /** A cut-out person: a 100 x 130 head (top at y 75) on a wider body, the rest transparent. */
    private static BufferedImage person() {
        BufferedImage cut = new BufferedImage(400, 500, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = cut.createGraphics();
        g.setColor(new Color(0xC08060));
        g.fillOval(150, 75, 100, 130);
        g.setColor(new Color(0x203040));
        g.fillRect(100, 200, 200, 300);
        g.dispose();
        return cut;
    }

    @Test
    void shouldFrameTheHeadWithATenthFreeAboveIt() {
        Rectangle box = IdPhoto.cropBox(person(), 35.0 / 45);

        assertThat(box.getCenterX()).isCloseTo(200, offset(2.0));
        assertThat((double) box.width / box.height).isCloseTo(35.0 / 45, offset(0.01));
        assertThat(75 - box.y).isCloseTo((int) (0.1 * box.height), offset(2));
        // the whole head is in the picture, and takes most of its height
        assertThat(box.y + box.height).isGreaterThan(75 + 130);
        assertThat(130.0 / box.height).isBetween(0.55, 0.8);
    }

    @Test
    void shouldPrintAtThreeHundredDpiOnTheAskedBackdrop() {
        BufferedImage photo = IdPhoto.finish(person(), Map.of("idPhoto", "35x45mm", "background", "blue"));
        BufferedImage white = IdPhoto.finish(person(), Map.of("idPhoto", "35x45mm"));

        assertThat(photo.getWidth()).isEqualTo(413);
        assertThat(photo.getHeight()).isEqualTo(531);
        assertThat(photo.getColorModel().hasAlpha()).isFalse();
        assertThat(photo.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x438EDB);
        assertThat(white.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(photo.getRGB(206, 200) & 0xFFFFFF).as("the face, in the middle").isEqualTo(0xC08060);
    }

    @Test
    void shouldPutTheWholeCutOutOnABackdropWhenNoCropIsAsked() {
        BufferedImage onRed = IdPhoto.finish(person(), Map.of("background", "#FF0000"));

        assertThat(onRed.getWidth()).isEqualTo(400);
        assertThat(onRed.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(onRed.getRGB(200, 400) & 0xFFFFFF).isEqualTo(0x203040);
        assertThat(IdPhoto.finish(person(), Map.of())).as("no parameters: the cut-out itself").isNotNull()
                .satisfies(image -> assertThat(image.getColorModel().hasAlpha()).isTrue());
    }

    @Test
    void shouldRefuseWhatItCannotParse() {
        // Requests are checked against the task's declaration before they are batched; parsing refuses too.
        assertThatThrownBy(() -> IdPhoto.colour("mauve")).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> IdPhoto.pixels("passport")).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("35x45mm");
    }

    @Test
    void shouldBeCheckedByTheTasksDeclaration() {
        ModelRunner runner = new NoModel(new ModelManifest("cut-out", "1", "remove-background", "OnnxRuntime", "m.onnx", "test",
                null, null, null, Map.of(), null));

        runner.checkParams(Map.of("background", "blue", "idPhoto", "35x45mm"));
        assertThatThrownBy(() -> runner.checkParams(Map.of("background", "mauve"))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> runner.checkParams(Map.of("idPhoto", "passport"))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("35x45mm");
        assertThatThrownBy(() -> runner.checkParams(Map.of("crop", "yes"))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("'crop'");
        assertThat(runner.takes(1)).isTrue();
        assertThat(runner.takes(2)).isFalse();
    }

    /** A runner that only has a manifest: what {@link ModelRunner} does by default. */
    private record NoModel(ModelManifest manifest) implements ModelRunner {
        @Override
        public String bucket(int width, int height) {
            return "any";
        }

        @Override
        public List<ModelOutput> run(List<ModelInput> inputs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
