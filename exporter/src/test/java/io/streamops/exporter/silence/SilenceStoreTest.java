package io.streamops.exporter.silence;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SilenceStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void aSilenceBeyondTheMostThatMayBeActiveIsRefusedSayingWhy() {
        List<Silence> notEnded = new ArrayList<>();
        for (int i = 0; i < SilenceLimits.MAX_SILENCES - 1; i++) {
            notEnded.add(new Silence("s" + i, Map.of("query", "q" + i), T0, T0.plusSeconds(60), "ops", ""));
        }
        SilenceStore.checkRoom(notEnded);
        notEnded.add(new Silence("last", Map.of("query", "last"), T0, T0.plusSeconds(60), "ops", ""));
        assertThatThrownBy(() -> SilenceStore.checkRoom(notEnded)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already " + SilenceLimits.MAX_SILENCES + " silences that have not ended");
        assertThat(notEnded).hasSize(SilenceLimits.MAX_SILENCES);
    }
}
