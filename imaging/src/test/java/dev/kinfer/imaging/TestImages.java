package dev.kinfer.imaging;

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
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Real images of the kinds people upload, generated with ImageIO, plus the few byte edits cameras and damage make. */
public final class TestImages {
    public static final Color RED = new Color(255, 0, 0);
    public static final Color GREEN = new Color(0, 255, 0);
    public static final Color BLUE = new Color(0, 0, 255);

    private TestImages() {
    }

    public static BufferedImage filled(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** Top-left red, top-right green, bottom-left blue, bottom-right white: every turn and mirror looks different. */
    public static BufferedImage quadrants(int width, int height) {
        BufferedImage image = filled(width, height, Color.WHITE);
        Graphics2D g = image.createGraphics();
        g.setColor(RED);
        g.fillRect(0, 0, width / 2, height / 2);
        g.setColor(GREEN);
        g.fillRect(width / 2, 0, width - width / 2, height / 2);
        g.setColor(BLUE);
        g.fillRect(0, height / 2, width / 2, height - height / 2);
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A 16-bit-per-channel RGB PNG filled with one colour given in 16-bit levels. */
    public static byte[] png16(int width, int height, int red, int green, int blue) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {red, green, blue});
            }
        }
        return encode(new BufferedImage(model, raster, false, null), "png");
    }

    /** A grey PNG at the given bit depth (8 or 16) filled with one level. */
    public static byte[] grey(int width, int height, int bits, int level) {
        BufferedImage image = new BufferedImage(width, height, bits == 16 ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, level);
            }
        }
        return encode(image, "png");
    }

    /** A palette PNG whose left half is fully transparent (palette entry 0) and right half opaque red (entry 1). */
    public static byte[] paletteWithTransparency(int width, int height) {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0},
                new byte[] {0, (byte) 255});
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < height; y++) {
            for (int x = width / 2; x < width; x++) {
                image.getRaster().setSample(x, y, 0, 1);
            }
        }
        return encode(image, "png");
    }

    /**
     * A CMYK JPEG as Photoshop writes one (inverted ink values, an Adobe APP14 marker saying "no transform"), of one
     * ink mix in levels of 255. The JDK's writer stores a 4-band raster as it is; the marker is added by hand.
     */
    public static byte[] cmykJpeg(int width, int height, int cyan, int magenta, int yellow, int black) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, new Point(0, 0));
        int[] inverted = {255 - cyan, 255 - magenta, 255 - yellow, 255 - black};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, inverted);
            }
        }
        ImageWriter writer = jdkJpegWriter();
        byte[] jpeg = writeJpeg(writer, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}; // version 100, transform 0
        return insertAfterSoi(jpeg, adobe);
    }

    /** A progressive JPEG: several scans (SOS), each refining the last. */
    public static byte[] progressiveJpeg(BufferedImage image) {
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        return writeJpeg(writer, new IIOImage(image, null, metadata), param);
    }

    /** A baseline JPEG with a restart marker (RST0 to RST7) in its scan after every {@code interval} MCUs. */
    public static byte[] jpegWithRestarts(BufferedImage image, int interval) {
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode tree = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode markers = (IIOMetadataNode) tree.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", Integer.toString(interval));
        markers.insertBefore(dri, markers.getFirstChild());
        try {
            metadata.setFromTree(format, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeJpeg(writer, new IIOImage(image, null, metadata), param);
    }

    private static byte[] writeJpeg(ImageWriter writer, IIOImage image, ImageWriteParam param) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * The JPEG with the second half of its (only) scan's entropy-coded data cut out and its EOI kept: every segment
     * intact, the pixel data short, which only a decode finds.
     */
    public static byte[] withScanCutShort(byte[] jpeg) {
        int sos = indexOf(jpeg, (byte) 0xFF, (byte) 0xDA);
        int data = sos + 2 + (((jpeg[sos + 2] & 0xFF) << 8) | (jpeg[sos + 3] & 0xFF));
        int cut = (data + jpeg.length - 2) / 2;
        return ByteBuffer.allocate(cut + 2).put(jpeg, 0, cut).put(jpeg, jpeg.length - 2, 2).array();
    }

    /** The count of 0xFF {@code code} markers in a JPEG, scan data included (stuffed 0xFF00 are no markers). */
    public static int markers(byte[] jpeg, int code) {
        int count = 0;
        for (int i = 0; i < jpeg.length - 1; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == code) {
                count++;
            }
        }
        return count;
    }

    private static int indexOf(byte[] bytes, byte first, byte second) {
        for (int i = 0; i < bytes.length - 1; i++) {
            if (bytes[i] == first && bytes[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + first + " " + second);
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        return ByteBuffer.allocate(jpeg.length + segment.length).put(jpeg, 0, 2).put(segment).put(jpeg, 2, jpeg.length - 2).array();
    }

    private static ImageWriter jdkJpegWriter() {
        var writers = ImageIO.getImageWritersByFormatName("jpeg");
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.imageio")) {
                return writer;
            }
        }
        throw new IllegalStateException("the JDK's JPEG writer is missing");
    }

    /** The JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD0 entry: Orientation) after its JFIF APP0 segment. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // header: big-endian, IFD0 at offset 8
                0, 1, // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // 0x0112 Orientation, SHORT, count 1, value
                0, 0, 0, 0}; // no next IFD
        byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        int segmentLength = 2 + exif.length + tiff.length;
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + segmentLength);
        out.put(jpeg, 0, app0End);
        out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) segmentLength).put(exif).put(tiff);
        out.put(jpeg, app0End, jpeg.length - app0End);
        return out.array();
    }

    /** A PNG whose IHDR declares another size, its CRC recomputed so that only the size is a lie. */
    public static byte[] pngDeclaring(int width, int height) {
        byte[] png = encode(filled(1, 1, RED), "png");
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" and its 13 bytes
        buffer.putInt(29, (int) crc.getValue());
        return png;
    }

    /**
     * The PNG with the zlib data of its first IDAT chunk scrambled and the chunk's CRC recomputed: every chunk
     * intact, the compressed pixels broken, which only a decode finds.
     */
    public static byte[] withBrokenZlibStream(byte[] png) {
        byte[] copy = png.clone();
        ByteBuffer chunks = ByteBuffer.wrap(copy);
        int at = 8;
        while (chunks.getInt(at + 4) != 0x49444154) { // IDAT
            at += 12 + chunks.getInt(at);
        }
        int length = chunks.getInt(at);
        for (int i = at + 8 + 2; i < at + 8 + length; i++) { // past the 2-byte zlib header
            copy[i] ^= 0x5A;
        }
        CRC32 crc = new CRC32();
        crc.update(copy, at + 4, length + 4);
        chunks.putInt(at + 8 + length, (int) crc.getValue());
        return copy;
    }

    /**
     * A lossless WebP (VP8L) of one colour, written by hand since no kept library writes WebP: no transform, no
     * colour cache, one prefix code per channel with a single symbol, so that the pixels take no bits at all.
     */
    public static byte[] webp(int width, int height, Color colour) {
        long[] fields = { // value, bits; written from the least significant bit on
                width - 1, 14, height - 1, 14, 0, 1, 0, 3, // size, alpha unused, version 0
                0, 1, 0, 1, 0, 1, // no transform, no colour cache, no meta prefix codes
                1, 1, 0, 1, 1, 1, colour.getGreen(), 8, // simple code, 1 symbol of 8 bits: green
                1, 1, 0, 1, 1, 1, colour.getRed(), 8,
                1, 1, 0, 1, 1, 1, colour.getBlue(), 8,
                1, 1, 0, 1, 1, 1, colour.getAlpha(), 8,
                1, 1, 0, 1, 0, 1, 0, 1}; // simple code, 1 symbol of 1 bit: distance 0, never used
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(0x2F); // VP8L signature
        long bits = 0;
        int pending = 0;
        for (int i = 0; i < fields.length; i += 2) {
            bits |= fields[i] << pending;
            pending += (int) fields[i + 1];
            for (; pending >= 8; pending -= 8, bits >>>= 8) {
                data.write((int) bits);
            }
        }
        data.write((int) bits);
        data.write(0); // TwelveMonkeys' bit reader reads a byte past the last bit
        byte[] vp8l = data.toByteArray();
        int padded = vp8l.length + (vp8l.length & 1);
        return ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN).put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(12 + padded).put("WEBPVP8L".getBytes(StandardCharsets.US_ASCII)).putInt(vp8l.length).put(vp8l).array();
    }

    /** The same PNG with one bit of its header's CRC flipped: damaged where no decoder looks. */
    public static byte[] withFlippedCrc(byte[] png) {
        byte[] copy = png.clone();
        copy[29] ^= 0x01; // the first byte of the IHDR chunk's CRC
        return copy;
    }
}
