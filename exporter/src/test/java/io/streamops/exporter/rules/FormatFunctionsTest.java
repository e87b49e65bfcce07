package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatFunctionsTest {

    @Test
    void humanizeUsesSiPrefixesAndFourSignificantDigits() {
        assertThat(FormatFunctions.humanize(0)).isEqualTo("0");
        assertThat(FormatFunctions.humanize(12.5)).isEqualTo("12.5");
        assertThat(FormatFunctions.humanize(0.123456)).isEqualTo("0.1235");
        assertThat(FormatFunctions.humanize(1234)).isEqualTo("1.234k");
        assertThat(FormatFunctions.humanize(250_000)).isEqualTo("250k");
        assertThat(FormatFunctions.humanize(12_345_678)).isEqualTo("12.35M");
        assertThat(FormatFunctions.humanize(-3_000)).isEqualTo("-3k");
        assertThat(FormatFunctions.humanize(Double.NaN)).isEqualTo("unknown");
        assertThat(FormatFunctions.humanize(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }

    @Test
    void humanizeBytesUsesPowersOf1024() {
        assertThat(FormatFunctions.humanizeBytes(512)).isEqualTo("512B");
        assertThat(FormatFunctions.humanizeBytes(268_435_456)).isEqualTo("256MiB");
        assertThat(FormatFunctions.humanizeBytes(1.5 * 1024 * 1024 * 1024)).isEqualTo("1.5GiB");
        assertThat(FormatFunctions.humanizeBytes(Double.NaN)).isEqualTo("unknown");
    }

    @Test
    void humanizeDurationReadsLikeAClock() {
        assertThat(FormatFunctions.humanizeDuration(0)).isEqualTo("0s");
        assertThat(FormatFunctions.humanizeDuration(0.25)).isEqualTo("250ms");
        assertThat(FormatFunctions.humanizeDuration(45)).isEqualTo("45s");
        assertThat(FormatFunctions.humanizeDuration(95.7)).isEqualTo("1m 35s");
        assertThat(FormatFunctions.humanizeDuration(3600)).isEqualTo("1h 0m 0s");
        assertThat(FormatFunctions.humanizeDuration(93_784)).isEqualTo("1d 2h 3m 4s");
        assertThat(FormatFunctions.humanizeDuration(-90)).isEqualTo("-1m 30s");
        assertThat(FormatFunctions.humanizeDuration(Double.NaN)).isEqualTo("unknown");
        assertThat(FormatFunctions.humanizeDuration(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
