package io.streamops.exporter.streams;

/**
 * Which clock says when the exporter heard an event, the instant silence (driver lost, stalled) is
 * measured from. Never the driver's own timestamps: a driver clock minutes off would page falsely.
 */
public enum HeardClock {
    /**
     * When the broker appended the record (the events topic's {@code message.timestamp.type} is
     * {@code LogAppendTime}), capped at the exporter's now. A backlog read after downtime or lag keeps
     * the times its events really arrived, instead of all being heard at once when read.
     */
    BROKER_APPEND_TIME,
    /**
     * When this instance processed the record, on its own clock: the fallback where the topic keeps the
     * producer's (the driver's) timestamps. {@link CatchUp} keeps a backlog from being judged before it is read.
     */
    PROCESSING_TIME
}
