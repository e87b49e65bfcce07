package io.streamops.demo;

import java.time.Duration;

/**
 * How fast the timeline runs. The normal pace is for watching; the short one (--short) is for tests. The
 * surge is sized so store-totals (at most {@link #MAX_OFFSETS_PER_TRIGGER} purchases a 1-second batch) ends
 * more than the shipped KafkaLagGrowing threshold of 100,000 records behind. The alert resolves once the
 * backlog stops growing (the surge ends); working the backlog off at that batch cap takes minutes more, after
 * the timeline has moved on.
 *
 * @param rulesForDivisor the shipped rules' {@code for:} durations are divided by this ({@link DemoRules})
 * @param window the exporter's {@code status.window}: rates and growth are averaged over it
 * @param surgeRate purchases per second during the surge
 * @param surgeLength how long the surge lasts
 * @param stallLength how long the stalled sink hangs
 * @param settle the pause before the first incident and between incidents
 * @param incidentTimeout how long the timeline waits for an incident's alert to fire and resolve
 */
record Pace(String name, int rulesForDivisor, Duration window, int surgeRate, Duration surgeLength, Duration stallLength,
            Duration settle, Duration incidentTimeout) {
    static final int RATE = 100;
    static final int MAX_OFFSETS_PER_TRIGGER = 2000;
    /** The listener's heartbeat is 1 s here; 15 s rides out a starved machine's pauses (the shipped default is 45 s). */
    static final Duration DRIVER_LOST_AFTER = Duration.ofSeconds(15);
    /** Long enough that a first batch on a busy machine is not taken for a stall. */
    static final Duration STALLED_AFTER = Duration.ofSeconds(20);

    static final Pace NORMAL = new Pace("normal", 10, Duration.ofSeconds(40), 10_000, Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofMinutes(4));
    static final Pace SHORT = new Pace("short", 30, Duration.ofSeconds(20), 10_000, Duration.ofSeconds(45),
            Duration.ofSeconds(40), Duration.ofSeconds(3), Duration.ofMinutes(3));
}
