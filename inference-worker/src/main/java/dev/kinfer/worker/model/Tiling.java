package dev.kinfer.worker.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an image into tiles for a model whose memory grows with the area it sees, each tile with a margin of
 * context around it so that the pixels kept from a tile saw exactly what they would have seen in the whole
 * image (the margin must cover the model's receptive field). Edge tiles are cropped, never padded.
 */
final class Tiling {
    /**
     * One tile: the input region the model runs on ({@code inX..}, with margins), and the part of it that is
     * kept ({@code keepX..}, in input pixels).
     */
    record Tile(int inX, int inY, int inWidth, int inHeight, int keepX, int keepY, int keepWidth, int keepHeight) {
    }

    private Tiling() {
    }

    static List<Tile> tiles(int width, int height, int tileSize, int margin) {
        if (tileSize < 1 || margin < 0) {
            throw new IllegalArgumentException("tile size must be positive and margin not negative");
        }
        List<Tile> tiles = new ArrayList<>();
        for (int y = 0; y < height; y += tileSize) {
            for (int x = 0; x < width; x += tileSize) {
                int keepWidth = Math.min(tileSize, width - x);
                int keepHeight = Math.min(tileSize, height - y);
                int inX = Math.max(0, x - margin);
                int inY = Math.max(0, y - margin);
                int inRight = Math.min(width, x + keepWidth + margin);
                int inBottom = Math.min(height, y + keepHeight + margin);
                tiles.add(new Tile(inX, inY, inRight - inX, inBottom - inY, x, y, keepWidth, keepHeight));
            }
        }
        return tiles;
    }
}
