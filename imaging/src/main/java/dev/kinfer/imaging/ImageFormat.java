package dev.kinfer.imaging;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The formats kinfer accepts, as sniffed from the bytes by an ImageIO reader (never from a client's content type). */
public enum ImageFormat {
    JPEG("image/jpeg", "jpeg"),
    PNG("image/png", "png"),
    GIF("image/gif", "gif"),
    BMP("image/bmp", "bmp"),
    WEBP("image/webp", "webp"),
    TIFF("image/tiff", "tiff");

    private final String contentType;
    private final String readerFormatName;

    ImageFormat(String contentType, String readerFormatName) {
        this.contentType = contentType;
        this.readerFormatName = readerFormatName;
    }

    public String contentType() {
        return contentType;
    }

    /** The format a reader says it reads, or empty for formats kinfer refuses (ICO, SVG plugins, …). */
    static Optional<ImageFormat> ofReaderFormatName(String name) {
        return Arrays.stream(values()).filter(f -> f.readerFormatName.equalsIgnoreCase(name)).findFirst();
    }

    public static List<String> contentTypes() {
        return Arrays.stream(values()).map(ImageFormat::contentType).toList();
    }
}
