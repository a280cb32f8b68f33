package dev.kinfer.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuBatchSizeTest {
    private static final long MIB = 1 << 20;

    @Test
    void shouldShareWhatIsFreeAfterTheLargerProbeOutKeepingHeadroom() {
        // 100 MiB per item (batch 1 -> 4 grew by 300 MiB); 10,000 MiB card, 2,400 in use: 8,000 - 2,400 = 5,600 spare -> 56 more.
        int fit = GpuBatchSize.fit(1, 2_100 * MIB, 4, 2_400 * MIB, 10_000 * MIB, 256);

        assertThat(fit).isEqualTo(4 + 56);
    }

    @Test
    void shouldNeverExceedTheConfiguredLargestBatch() {
        assertThat(GpuBatchSize.fit(1, 1_000 * MIB, 4, 1_030 * MIB, 80_000 * MIB, 32)).isEqualTo(32);
    }

    @Test
    void shouldKeepTheProbedBatchWhenNothingIsSpare() {
        assertThat(GpuBatchSize.fit(1, 7_000 * MIB, 4, 9_500 * MIB, 10_000 * MIB, 32)).isEqualTo(4);
    }

    @Test
    void shouldKeepTheCapWhenTheAllocatorAlreadyHeldTheMemory() {
        assertThat(GpuBatchSize.fit(1, 3_000 * MIB, 4, 3_000 * MIB, 10_000 * MIB, 16)).isEqualTo(16);
    }

    @Test
    void shouldRefuseProbesThatCannotMeasureAFootprint() {
        assertThatThrownBy(() -> GpuBatchSize.fit(4, 0, 4, 0, 1, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
