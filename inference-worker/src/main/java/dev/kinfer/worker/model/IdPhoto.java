package dev.kinfer.worker.model;

import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.TaskSpecs;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code remove-background} does with the cut-out when asked: a solid backdrop ({@code background}: white,
 * blue, red or {@code #RRGGBB}) and an ID-photo crop ({@code idPhoto}: the print size, e.g. {@code 35x45mm},
 * at 300 dpi). The crop is framed on the head, found in the mask: the subject's top, and the width of the
 * mask just below it. The head takes about 70 % of the photo's height with a tenth of it free above,
 * as passport rules ask (ICAO 9303: chin to crown 32-36 mm of 45). The values were checked against
 * {@link TaskSpecs#REMOVE_BACKGROUND} before the request was batched; parsing them here only reads them.
 */
final class IdPhoto {
    static final String BACKGROUND = TaskSpecs.BACKGROUND;
    static final String SIZE = TaskSpecs.ID_PHOTO;
    private static final int DPI = 300;
    private static final Map<String, Color> NAMED = Map.of("white", Color.WHITE, "blue", new Color(0x438EDB), "red", new Color(0xD0021B));
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6})");
    private static final Pattern MILLIMETRES = Pattern.compile("(\\d{2,3})x(\\d{2,3})mm");
    /** A head is about this much taller than it is wide. */
    private static final double HEAD_ASPECT = 1.3;
    private static final double HEAD_SHARE = 0.7;
    private static final double TOP_MARGIN = 0.1;

    private IdPhoto() {
    }

    /** The cut-out as asked: unchanged (transparent background), on a backdrop, or framed as an ID photo. */
    static BufferedImage finish(BufferedImage cutOut, Map<String, String> params) {
        if (params.containsKey(SIZE)) {
            Color backdrop = colour(params.getOrDefault(BACKGROUND, "white"));
            int[] size = pixels(params.get(SIZE));
            return frame(cutOut, cropBox(cutOut, (double) size[0] / size[1]), backdrop, size[0], size[1]);
        }
        if (params.containsKey(BACKGROUND)) {
            return frame(cutOut, new Rectangle(0, 0, cutOut.getWidth(), cutOut.getHeight()), colour(params.get(BACKGROUND)),
                    cutOut.getWidth(), cutOut.getHeight());
        }
        return cutOut;
    }

    static Color colour(String value) {
        Color named = NAMED.get(value.toLowerCase());
        if (named != null) {
            return named;
        }
        Matcher hex = HEX.matcher(value);
        if (hex.matches()) {
            return new Color(Integer.parseInt(hex.group(1), 16));
        }
        throw new InvalidParameterException(BACKGROUND, BACKGROUND + " must be white, blue, red or #RRGGBB, got '" + value + "'");
    }

    /** Print size in millimetres to pixels at {@value #DPI} dpi. */
    static int[] pixels(String value) {
        Matcher mm = MILLIMETRES.matcher(value);
        if (!mm.matches()) {
            throw new InvalidParameterException(SIZE, SIZE + " must be a print size such as 35x45mm, got '" + value + "'");
        }
        return new int[] {(int) Math.round(Integer.parseInt(mm.group(1)) / 25.4 * DPI),
                (int) Math.round(Integer.parseInt(mm.group(2)) / 25.4 * DPI)};
    }

    /**
     * The region of the cut-out to frame, at the given width/height ratio; it may reach past the picture's
     * edges (the backdrop fills them). The head's width is the median width of the mask over the rows from 5 %
     * to 20 % of the subject's height below its top.
     */
    static Rectangle cropBox(BufferedImage cutOut, double aspect) {
        int width = cutOut.getWidth();
        int height = cutOut.getHeight();
        int top = -1;
        int bottom = -1;
        int[][] spans = new int[height][];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            int left = -1;
            int right = -1;
            cutOut.getRGB(0, y, width, 1, row, 0, width); // a row at a time: per-pixel getRGB is slow on big photos
            for (int x = 0; x < width; x++) {
                if ((row[x] >>> 24) > 127) {
                    left = left < 0 ? x : left;
                    right = x;
                }
            }
            if (left >= 0) {
                spans[y] = new int[] {left, right};
                top = top < 0 ? y : top;
                bottom = y;
            }
        }
        if (top < 0) {
            throw new InvalidParameterException(SIZE, "no subject found to frame as an ID photo");
        }
        int subject = bottom - top + 1;
        int from = top + (int) (0.05 * subject);
        int to = Math.max(from + 1, top + (int) (0.20 * subject));
        int[] widths = new int[to - from];
        double centreSum = 0;
        int rows = 0;
        for (int y = from; y < to; y++) {
            if (spans[y] != null) {
                widths[rows] = spans[y][1] - spans[y][0] + 1;
                centreSum += (spans[y][0] + spans[y][1]) / 2.0;
                rows++;
            }
        }
        int[] measured = Arrays.copyOf(widths, Math.max(1, rows));
        Arrays.sort(measured);
        double headWidth = measured[measured.length / 2];
        double centreX = rows == 0 ? width / 2.0 : centreSum / rows;
        double cropHeight = headWidth * HEAD_ASPECT / HEAD_SHARE;
        double cropWidth = cropHeight * aspect;
        return new Rectangle((int) Math.round(centreX - cropWidth / 2), (int) Math.round(top - TOP_MARGIN * cropHeight),
                (int) Math.round(cropWidth), (int) Math.round(cropHeight));
    }

    /** The {@code box} of the cut-out on the backdrop, scaled to {@code outWidth} x {@code outHeight}, opaque. */
    private static BufferedImage frame(BufferedImage cutOut, Rectangle box, Color backdrop, int outWidth, int outHeight) {
        BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(backdrop);
        g.fillRect(0, 0, outWidth, outHeight);
        double scale = (double) outWidth / box.width;
        g.drawImage(cutOut, (int) Math.round(-box.x * scale), (int) Math.round(-box.y * scale),
                (int) Math.round(cutOut.getWidth() * scale), (int) Math.round(cutOut.getHeight() * scale), null);
        g.dispose();
        return out;
    }
}
