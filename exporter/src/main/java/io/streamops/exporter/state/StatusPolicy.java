package io.streamops.exporter.state;

import java.time.Duration;

/**
 * How the exporter tells idle from stalled from a dead driver; data, not code.
 *
 * @param driverLostAfter  no heartbeat (nor any event) for this long while running: the driver is gone.
 *                         Default 3 missed heartbeats at the listener's default 10 s, plus slack.
 * @param stalledAfter     a trigger active with no progress for at least this long ...
 * @param stalledTriggers  ... and for at least this many trigger intervals: stalled.
 * @param idleMemory       an idle event this recent keeps the query idle (Spark repeats it every 10 s).
 * @param window           how far back rates, ratios and growth are averaged.
 */
public record StatusPolicy(Duration driverLostAfter, Duration stalledAfter, int stalledTriggers, Duration idleMemory,
                           Duration window) {
    public static final StatusPolicy DEFAULT = new StatusPolicy(Duration.ofSeconds(45), Duration.ofMinutes(2), 10,
            Duration.ofSeconds(30), Duration.ofMinutes(5));
}
