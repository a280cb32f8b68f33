package dev.kinfer.imaging;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The EXIF orientation of an image (1 to 8: how the camera was held) and how to turn its pixels upright, as
 * every viewer shows the photo. Decoders ignore the tag, so without this a portrait from a phone reaches a model
 * lying on its side.
 */
final class Orientation {
    private static final int NORMAL = 1;

    private final int tag;

    private Orientation(int tag) {
        this.tag = tag;
    }

    /** Reads the tag with metadata-extractor; an image without one, or with unreadable metadata, is taken as upright. */
    static Orientation of(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                int tag = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return new Orientation(tag >= 1 && tag <= 8 ? tag : NORMAL);
            }
        } catch (ImageProcessingException | IOException | MetadataException | RuntimeException e) {
            // The pixels decoded completely; metadata only says how to show them, so damaged metadata means "as stored".
        }
        return new Orientation(NORMAL);
    }

    /** Whether upright the image's width and height are swapped (orientations 5 to 8 turn it by a quarter). */
    boolean swapsAxes() {
        return tag >= 5;
    }

    /** The image turned upright; {@code image} must be in {@link StandardPixels}. */
    BufferedImage upright(BufferedImage image) {
        if (tag == NORMAL) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int outWidth = swapsAxes() ? h : w;
        BufferedImage out = new BufferedImage(outWidth, swapsAxes() ? w : h, image.getType());
        int[] from = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int[] to = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int tx;
                int ty;
                switch (tag) {
                    case 2 -> { tx = w - 1 - x; ty = y; }          // mirrored left-right
                    case 3 -> { tx = w - 1 - x; ty = h - 1 - y; }  // upside down
                    case 4 -> { tx = x; ty = h - 1 - y; }          // mirrored top-bottom
                    case 5 -> { tx = y; ty = x; }                  // transposed
                    case 6 -> { tx = h - 1 - y; ty = x; }          // stored a quarter turn anticlockwise: turn clockwise
                    case 7 -> { tx = h - 1 - y; ty = w - 1 - x; }  // transversed
                    default -> { tx = y; ty = w - 1 - x; }         // 8: stored a quarter turn clockwise: turn anticlockwise
                }
                to[ty * outWidth + tx] = from[y * w + x];
            }
        }
        return out;
    }
}
