package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.store.ContentHash;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageValidatorTest {
    private final ImageValidator validator = new ImageValidator(1 << 20, 1_000_000);

    @Test
    void shouldAcceptACompleteImageAndSniffItsFormat() throws IOException {
        byte[] png = encode(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png");

        ValidatedImage image = validate(png);

        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.width()).isEqualTo(40);
        assertThat(image.height()).isEqualTo(30);
        assertThat(image.sha256()).hasSize(64).isEqualTo(ContentHash.sha256(png));
    }

    @Test
    void shouldRefuseATruncatedJpegThatTheJdkWouldFillWithGrey() throws IOException {
        byte[] jpeg = encode(new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB), "jpeg");

        assertThatThrownBy(() -> validate(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("corrupt-image"));
    }

    @Test
    void shouldRefuseWhatIsNotAnImageEmptyOrTooLarge() throws IOException {
        assertThatThrownBy(() -> validate("hello".getBytes()))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(415));
        assertThatThrownBy(() -> validate(new byte[0]))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("empty-image"));
        assertThatThrownBy(() -> validate(new byte[(1 << 20) + 1]))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("image-too-large"));
        byte[] huge = encode(new BufferedImage(1001, 1000, BufferedImage.TYPE_BYTE_BINARY), "png");
        assertThatThrownBy(() -> validate(huge))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("image-too-many-pixels"));
    }

    private ValidatedImage validate(byte[] bytes) {
        return validator.validate(bytes, ContentHash.sha256(bytes));
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
