package dev.kinfer.stack;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** The images of the edge corpus, generated: what cameras, editors and attackers send. */
final class CorpusImages {
    private CorpusImages() {
    }

    static BufferedImage filled(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] png(int width, int height, Color colour) {
        return encode(filled(width, height, colour), "png");
    }

    static byte[] png16(int width, int height) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {0xFFFF, 0x8000, x * 1000});
            }
        }
        return encode(new BufferedImage(model, raster, false, null), "png");
    }

    static byte[] grey(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 128);
        return encode(image, "png");
    }

    static byte[] paletteWithTransparency(int width, int height) {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0},
                new byte[] {0, (byte) 255});
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
        image.getRaster().setSample(width - 1, height - 1, 0, 1);
        return encode(image, "png");
    }

    /** Inverted CMYK values and an Adobe APP14 marker (transform 0), as Photoshop writes a CMYK JPEG. */
    static byte[] cmykJpeg(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, new Point(0, 0));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {255, 0, 0, 255});
            }
        }
        ImageWriter writer = null;
        for (var writers = ImageIO.getImageWritersByFormatName("jpeg"); writers.hasNext(); ) {
            ImageWriter candidate = writers.next();
            if (candidate.getClass().getName().startsWith("com.sun.imageio")) {
                writer = candidate;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return insert(out.toByteArray(), 2, adobe);
    }

    /** A JPEG whose EXIF says "turn a quarter clockwise to show" (orientation 6), as phones write portraits. */
    static byte[] exifRotatedJpeg(int width, int height) {
        byte[] jpeg = encode(filled(width, height, Color.ORANGE), "jpeg");
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiff.length;
        byte[] segment = ByteBuffer.allocate(2 + length).put((byte) 0xFF).put((byte) 0xE1).putShort((short) length).put(exif).put(tiff)
                .array();
        int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        return insert(jpeg, app0End, segment);
    }

    /** A 1x1 PNG whose header claims another size, its CRC fixed so that only the size is a lie. */
    static byte[] pngDeclaring(int width, int height) {
        byte[] png = png(1, 1, Color.RED);
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        return png;
    }

    static byte[] withFlippedCrc(byte[] png) {
        byte[] copy = png.clone();
        copy[29] ^= 0x01;
        return copy;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        return ByteBuffer.allocate(bytes.length + inserted.length).put(bytes, 0, at).put(inserted).put(bytes, at, bytes.length - at).array();
    }
}
