package io.streamops.exporter.restart;

import io.streamops.exporter.support.DurationText;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The line a notification carries about the job's restart, e.g. "restarting, attempt 2 of 5, next in 40 s"
 * or "restarts exhausted": what happens about the alert, said where the alert is read.
 */
public final class RestartStatusLine {
    private RestartStatusLine() {
    }

    /** The line for the job's record now, or empty when no restart is under way or just made. */
    public static Optional<String> of(RestartRecord record, RestartPolicy policy, Instant now) {
        long made = record.attemptsWithin(policy.window(), now);
        int of = policy.maxAttempts();
        return switch (record.phase()) {
            case WAITING -> Optional.of("restarting, attempt " + (made + 1) + " of " + of + ", next in " + until(now, record.due()));
            case RESTARTING -> Optional.of("restarting, attempt " + made + " of " + of + " made, waiting for progress"
                    + (record.byHandWaiting().isEmpty() ? "" : "; a restart by hand follows once it ends"));
            case HEALTHY -> Optional.of("restarted, attempt " + made + " of " + of + " made progress");
            case GIVEN_UP -> Optional.of("restarts exhausted (" + made + " attempts within "
                    + DurationText.format(policy.window()) + "); restart it by hand once fixed");
            case IDLE -> Optional.empty();
        };
    }

    /** Whole seconds up to two minutes ("40 s"), then the duration's short form ("5m"). */
    private static String until(Instant now, Instant due) {
        Duration left = due == null || due.isBefore(now) ? Duration.ZERO : Duration.between(now, due);
        long seconds = (left.toMillis() + 999) / 1000;
        return seconds < 120 ? seconds + " s" : DurationText.format(Duration.ofSeconds(seconds));
    }
}
