package io.streamops.exporter.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void parsesPrometheusStyleDurations() {
        assertThat(DurationText.parse("0s")).contains(Duration.ZERO);
        assertThat(DurationText.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(DurationText.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(DurationText.parse("4h")).contains(Duration.ofHours(4));
        assertThat(DurationText.parse("1d")).contains(Duration.ofDays(1));
        assertThat(DurationText.parse("2w")).contains(Duration.ofDays(14));
        assertThat(DurationText.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(DurationText.parse("1m30s500ms")).contains(Duration.ofMillis(90_500));
        assertThat(DurationText.parse("250ms")).contains(Duration.ofMillis(250));
    }

    @Test
    void rejectsAnythingElse() {
        for (String bad : new String[] {"", "30", "5 m", "5min", "m", "-5m", "1.5h", "30m1h", "5M", "PT5M", "99999999999999999999d"}) {
            assertThat(DurationText.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void formatsTheShortestTextThatParsesBack() {
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(DurationText.format(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        for (String text : new String[] {"0s", "1w2d3h4m5s6ms", "15m"}) {
            assertThat(DurationText.format(DurationText.parse(text).orElseThrow())).isEqualTo(text);
        }
    }
}
