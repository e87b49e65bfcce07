package io.streamops.exporter.route;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each firing alert's repeat schedule stands: when it was last put into its groups, on a grid of
 * repeat intervals from when it fired, so an instance taking the alert over repeats it on the same grid.
 * A firing alert missing here has not been sent yet (it was muted when it fired): the next look at mutes
 * sends it. Whether it is muted <em>now</em> never says it was not sent: a paged alert that is inhibited or
 * silenced later still gets its resolve, and is not paged again as new when the mute ends. As a stage, it
 * notes each firing that got past the mutes at its point on the grid.
 */
final class RepeatSchedule implements Stage {
    private final Map<String, Instant> lastQueued = new LinkedHashMap<>();

    @Override
    public List<Notice> apply(List<Notice> notices, Instant now) {
        for (Notice notice : notices) {
            if (notice.firing()) {
                lastQueued.put(notice.alert().fingerprint(), notice.onGrid());
            }
        }
        return notices;
    }

    /** When the alert was last put into its groups, or null if it has not been sent yet. */
    Instant last(String fingerprint) {
        return lastQueued.get(fingerprint);
    }

    boolean wasSent(String fingerprint) {
        return lastQueued.containsKey(fingerprint);
    }

    void sentAt(String fingerprint, Instant onGrid) {
        lastQueued.put(fingerprint, onGrid);
    }

    void forget(String fingerprint) {
        lastQueued.remove(fingerprint);
    }

    void forgetAll(Collection<String> fingerprints) {
        lastQueued.keySet().removeAll(fingerprints);
    }

    /**
     * The latest point {@code anchor + k * interval} (k >= 0) not after {@code now}: an alert that fired at
     * {@code anchor} was last sent there, on whichever instance owned it.
     */
    static Instant lastOnGrid(Instant anchor, Duration interval, Instant now) {
        if (!now.isAfter(anchor) || interval.isZero() || interval.isNegative()) {
            return anchor;
        }
        long periods = Duration.between(anchor, now).toMillis() / interval.toMillis();
        return anchor.plus(interval.multipliedBy(periods));
    }
}
