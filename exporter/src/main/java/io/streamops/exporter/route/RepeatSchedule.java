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
     * The point of the grid a repeat sent at {@code now} stands for: the latest one, or the next if that is
     * less than half an interval away. A repeat held back by a mute that ended just before a grid point
     * (a silence from 10 s to 118 s, repeat 60 s) takes that point's place, instead of a second send
     * seconds later.
     */
    static Instant sentLate(Instant anchor, Duration interval, Instant now) {
        Instant onGrid = lastOnGrid(anchor, interval, now);
        Instant next = onGrid.plus(interval);
        return !interval.isZero() && !interval.isNegative() && Duration.between(now, next).compareTo(interval.dividedBy(2)) < 0 ? next : onGrid;
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
