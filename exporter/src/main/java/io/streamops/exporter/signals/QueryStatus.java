package io.streamops.exporter.signals;

/** What the exporter concludes about a query from its events, heartbeats and their absence. */
public enum QueryStatus {
    /** Making progress. */
    ACTIVE,
    /** Running with no new data (idle events, or heartbeats saying no data and no trigger). Never "stalled". */
    IDLE,
    /** A trigger is active but no progress has come for well past the trigger interval. */
    STALLED,
    /** Terminated with an exception. */
    FAILED,
    /** Terminated without an exception (stop(), the application ending, or a fatal JVM Error). */
    STOPPED,
    /** No heartbeat for longer than the driver-lost timeout while the query was running. */
    DRIVER_LOST;

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name used in rules, labels and the API. */
    public String wireName() {
        return wireName;
    }
}
