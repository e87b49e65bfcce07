package io.streamops.exporter.query;

import io.streamops.exporter.signals.QueryStatus;

import java.time.Duration;

/**
 * How the exporter tells idle from stalled from a dead driver; data, not code.
 *
 * @param driverLostAfter  no event heard for this long while running: the driver is gone. Heard is when
 *                         the broker appended the event, moved onto the exporter's clock, if the broker
 *                         stamped the record (LogAppendTime); otherwise when the exporter read it. Never
 *                         the driver's clock. Default 3 missed heartbeats at the listener's default 10 s,
 *                         plus slack; a query whose heartbeats state a longer interval gets
 *                         {@link #HEARTBEATS_BEFORE_LOST} of its intervals instead.
 * @param stalledAfter     a trigger active with no progress for at least this long ...
 * @param stalledTriggers  ... and for at least this many trigger intervals: stalled.
 * @param idleMemory       an idle event this recent keeps the query idle (Spark repeats it every 10 s).
 * @param window           how far back rates, ratios and growth are averaged.
 * @param forgetAfter      a query that stopped, failed or lost its driver this long ago (no event since)
 *                         is forgotten: its firing alerts resolve and it leaves the store and the
 *                         endpoints, so a retired job does not page every repeat interval for ever.
 */
public record StatusPolicy(Duration driverLostAfter, Duration stalledAfter, int stalledTriggers, Duration idleMemory,
                           Duration window, Duration forgetAfter) {
    /** A query's driver is never lost before this many of its own heartbeat intervals have passed silent. */
    public static final int HEARTBEATS_BEFORE_LOST = 4;

    public static final StatusPolicy DEFAULT = new StatusPolicy(Duration.ofSeconds(45), Duration.ofMinutes(2), 10,
            Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofDays(7));

    /** Whether a query in {@code status}, last heard of at {@code lastSeenMillis}, is to be forgotten at {@code nowMillis}. */
    public boolean forgets(QueryStatus status, long lastSeenMillis, long nowMillis) {
        boolean over = status == QueryStatus.STOPPED || status == QueryStatus.FAILED || status == QueryStatus.DRIVER_LOST;
        return over && lastSeenMillis >= 0 && nowMillis - lastSeenMillis > forgetAfter.toMillis();
    }
}
