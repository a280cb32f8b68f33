package dev.kinfer.imaging;

/**
 * Walks a JPEG's marker segments without decoding a pixel: SOI first, every segment within the file, a frame header
 * (SOF) before the first scan (SOS), entropy-coded data after every scan header, and EOI after the last scan. A JPEG
 * that ends early, the common damage, which the JDK would decode with grey for the missing part, fails here.
 *
 * <p>Several scans (progressive JPEGs) are walked one after the other. In entropy-coded data 0xFF00 is a stuffed
 * 0xFF and RST0 to RST7 are restart markers: both belong to the data; any other marker ends it. Bytes after EOI are
 * accepted as decoders accept them: they stop at EOI, and phones append data there (a motion photo's video, the
 * second image of an MPO).
 *
 * <p>Not checked: the entropy-coded data itself (its Huffman codes, or a scan cut short with its EOI kept), nor
 * whether the tables and components the scans name exist; only a decode finds those.
 */
final class JpegStructure {
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int RST0 = 0xD0;
    private static final int RST7 = 0xD7;
    private static final int TEM = 0x01;

    private JpegStructure() {
    }

    /** @return why the structure is broken, or null when it is complete */
    static String damage(byte[] jpeg) {
        if (jpeg.length < 2 || unsigned(jpeg, 0) != 0xFF || unsigned(jpeg, 1) != SOI) {
            return "the file does not start with an SOI marker";
        }
        boolean frame = false;
        boolean scanned = false;
        int at = 2;
        while (at < jpeg.length) {
            if (unsigned(jpeg, at) != 0xFF) {
                return "byte " + at + " is not a marker";
            }
            while (at < jpeg.length && unsigned(jpeg, at) == 0xFF) {
                at++; // 0xFF before a marker's code are fill bytes
            }
            if (at == jpeg.length) {
                break;
            }
            int marker = unsigned(jpeg, at++);
            if (marker == EOI) {
                return scanned ? null : "the EOI marker at byte " + (at - 2) + " comes before any scan";
            }
            if (marker >= RST0 && marker <= RST7 || marker == TEM) {
                continue; // no length, nothing to skip
            }
            if (marker == SOI || marker == 0) {
                return "byte " + (at - 2) + " starts no segment (" + name(marker) + ")";
            }
            int length = at + 2 <= jpeg.length ? unsigned(jpeg, at) << 8 | unsigned(jpeg, at + 1) : -1;
            if (length < 2 || at + length > jpeg.length) {
                return "the segment " + name(marker) + " at byte " + (at - 2) + " does not fit in the file";
            }
            at += length;
            frame |= isFrameHeader(marker);
            if (marker == SOS) {
                if (!frame) {
                    return "the scan at byte " + (at - length - 2) + " comes before any frame header (SOF)";
                }
                int end = entropyDataEnd(jpeg, at);
                if (end == at && end < jpeg.length) {
                    return "the scan at byte " + (at - length - 2) + " has no data";
                }
                scanned = true;
                at = end;
            }
        }
        return "the file ends before its EOI marker";
    }

    /** Where the marker that ends the entropy-coded data starting at {@code from} is, or the file's length. */
    private static int entropyDataEnd(byte[] jpeg, int from) {
        for (int i = from; i < jpeg.length - 1; i++) {
            if (unsigned(jpeg, i) == 0xFF) {
                int next = unsigned(jpeg, i + 1);
                boolean inData = next == 0 || next >= RST0 && next <= RST7 || next == 0xFF; // 0xFF 0xFF: a fill byte first
                if (!inData) {
                    return i;
                }
            }
        }
        return jpeg.length;
    }

    /** SOF0 to SOF15, less DHT (0xC4), JPG (0xC8) and DAC (0xCC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static String name(int marker) {
        return String.format("0xFF%02X", marker);
    }

    private static int unsigned(byte[] bytes, int at) {
        return bytes[at] & 0xFF;
    }
}
