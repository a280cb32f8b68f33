package dev.kinfer.imaging;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Checks the CRC of every PNG chunk. The JDK's PNG reader skips them and no kept library checks them, yet a
 * flipped bit in a chunk is exactly the damage a CRC exists to catch: without this such a PNG decodes to wrong
 * pixels (or a wrong size) and is accepted.
 */
final class PngChecksums {
    private static final int SIGNATURE_LENGTH = 8;
    private static final int IEND = 0x49454E44;

    private PngChecksums() {
    }

    /** @return why the chunks are damaged, or null when every CRC matches up to IEND */
    static String damage(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(SIGNATURE_LENGTH);
        while (in.remaining() >= 12) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining() - 8) {
                return "a chunk at byte " + (in.position() - 4) + " claims " + length + " bytes, more than the file holds";
            }
            int type = in.getInt();
            CRC32 crc = new CRC32();
            crc.update(png, in.position() - 4, length + 4);
            in.position(in.position() + length);
            if ((int) crc.getValue() != in.getInt()) {
                return "the CRC of chunk " + chunkName(type) + " does not match its bytes";
            }
            if (type == IEND) {
                return null;
            }
        }
        return "the file ends before its IEND chunk";
    }

    private static String chunkName(int type) {
        return new String(ByteBuffer.allocate(4).putInt(type).array(), java.nio.charset.StandardCharsets.US_ASCII);
    }
}
