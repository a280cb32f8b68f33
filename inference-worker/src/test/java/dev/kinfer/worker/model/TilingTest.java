package dev.kinfer.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TilingTest {
    @Test
    void shouldKeepEveryPixelExactlyOnceWithContextAroundIt() {
        int width = 300;
        int height = 130;
        int[][] kept = new int[height][width];

        List<Tiling.Tile> tiles = Tiling.tiles(width, height, 96, 16);

        for (Tiling.Tile tile : tiles) {
            for (int y = tile.keepY(); y < tile.keepY() + tile.keepHeight(); y++) {
                for (int x = tile.keepX(); x < tile.keepX() + tile.keepWidth(); x++) {
                    kept[y][x]++;
                }
            }
            // the kept part has the margin of context on every side that is not the image's edge
            assertThat(tile.keepX() - tile.inX()).isEqualTo(Math.min(16, tile.keepX()));
            assertThat(tile.keepY() - tile.inY()).isEqualTo(Math.min(16, tile.keepY()));
            assertThat(tile.inX() + tile.inWidth()).isEqualTo(Math.min(width, tile.keepX() + tile.keepWidth() + 16));
            assertThat(tile.inY() + tile.inHeight()).isEqualTo(Math.min(height, tile.keepY() + tile.keepHeight() + 16));
        }
        assertThat(tiles).hasSize(4 * 2);
        for (int[] row : kept) {
            assertThat(row).containsOnly(1);
        }
    }

    @Test
    void shouldUseOneTileForAnImageSmallerThanATile() {
        assertThat(Tiling.tiles(50, 40, 96, 16)).containsExactly(new Tiling.Tile(0, 0, 50, 40, 0, 0, 50, 40));
    }
}
