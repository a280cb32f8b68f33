package dev.kinfer.imaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks without decoding a pixel: IHDR first, every chunk within the file and with the CRC of its
 * bytes, at least one IDAT, and IEND. A truncated PNG fails here, and so does a flipped bit in any chunk: the JDK's
 * PNG reader skips the CRCs and no kept library checks them, so without this such a PNG decodes to wrong pixels (or
 * a wrong size) and is accepted. Bytes after IEND are accepted, as decoders accept them: they stop at IEND.
 *
 * <p>Not checked: the zlib stream the IDAT chunks carry (a stream with valid CRCs can still be broken), nor what
 * the chunks say; only a decode finds those.
 */
final class PngStructure {
    private static final int SIGNATURE_LENGTH = 8;
    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;

    private PngStructure() {
    }

    /** @return why the chunks are damaged, or null when they are complete up to IEND */
    static String damage(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(SIGNATURE_LENGTH);
        boolean data = false;
        while (in.remaining() >= 12) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining() - 8) {
                return "a chunk at byte " + (in.position() - 4) + " claims " + length + " bytes, more than the file holds";
            }
            int type = in.getInt();
            if (in.position() == SIGNATURE_LENGTH + 8 && type != IHDR) {
                return "the first chunk is " + chunkName(type) + ", not IHDR";
            }
            CRC32 crc = new CRC32();
            crc.update(png, in.position() - 4, length + 4);
            in.position(in.position() + length);
            if ((int) crc.getValue() != in.getInt()) {
                return "the CRC of chunk " + chunkName(type) + " does not match its bytes";
            }
            data |= type == IDAT;
            if (type == IEND) {
                return data ? null : "the file has no IDAT chunk";
            }
        }
        return "the file ends before its IEND chunk";
    }

    private static String chunkName(int type) {
        return new String(ByteBuffer.allocate(4).putInt(type).array(), StandardCharsets.US_ASCII);
    }
}
