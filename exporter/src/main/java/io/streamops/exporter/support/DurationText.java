package io.streamops.exporter.support;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in exporter.yaml and rule files, Prometheus style: one or more {@code <integer><unit>} parts in
 * decreasing unit order, units {@code ms s m h d w}: {@code 0s}, {@code 30s}, {@code 5m}, {@code 1h30m},
 * {@code 1d}. A day is 24 hours and a week 7 days (alerting has no calendar).
 */
public final class DurationText {

    private static final Pattern WHOLE =
            Pattern.compile("(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {
        Duration.ofDays(7).toMillis(), Duration.ofDays(1).toMillis(), Duration.ofHours(1).toMillis(),
        Duration.ofMinutes(1).toMillis(), 1000, 1
    };
    private static final String[] UNIT_NAMES = {"w", "d", "h", "m", "s", "ms"};

    private DurationText() {}

    /** The duration, or empty if {@code text} is not a valid duration. */
    public static Optional<Duration> parse(String text) {
        Matcher m = WHOLE.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        try {
            long millis = 0;
            for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
                String digits = m.group(unit + 1);
                if (digits != null) {
                    millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(digits), UNIT_MILLIS[unit]));
                }
            }
            return Optional.of(Duration.ofMillis(millis));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** The shortest text that {@link #parse} reads back as {@code duration}, e.g. {@code 1h30m}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        for (int unit = 0; unit < UNIT_MILLIS.length; unit++) {
            long count = millis / UNIT_MILLIS[unit];
            if (count > 0) {
                text.append(count).append(UNIT_NAMES[unit]);
                millis -= count * UNIT_MILLIS[unit];
            }
        }
        return text.toString();
    }
}
