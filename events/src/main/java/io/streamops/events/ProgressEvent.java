package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A micro-batch finished ({@code type: progress}): Spark's complete progress ({@code progress}) and the
 * signals derived from it ({@code signals}).
 */
public final class ProgressEvent extends StreamOpsEvent {
    private final JsonNode progress;
    private final String progressJson;
    private final ProgressSignals signals;

    /** As read: {@code progress} may be null when a message had none. Do not modify {@code progress}. */
    public ProgressEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query,
                         JsonNode progress, ProgressSignals signals) {
        this(eventId, timestamp, emittedAt, app, query, progress, null, signals);
    }

    /**
     * As the listener makes it: {@code progressJson} is the text {@code progress} was parsed from (Spark's
     * {@code progress.json()}), written out as it is rather than serialised again from the tree, which
     * is the largest part of encoding an event.
     */
    public ProgressEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query,
                         JsonNode progress, String progressJson, ProgressSignals signals) {
        super(eventId, timestamp, emittedAt, app, query);
        this.progress = progress;
        this.progressJson = progressJson;
        this.signals = Objects.requireNonNull(signals, "signals");
    }

    @Override
    public EventType type() {
        return EventType.PROGRESS;
    }

    /** Spark's {@code StreamingQueryProgress} as {@code progress.json()} renders it; null if the message had none. */
    public JsonNode progress() { return progress; }
    /** The text of {@link #progress()} when the writer has it (the listener), else null. */
    String progressJson() { return progressJson; }
    public ProgressSignals signals() { return signals; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProgressEvent)) {
            return false;
        }
        ProgressEvent that = (ProgressEvent) o;
        return sameEnvelope(that) && Objects.equals(progress, that.progress) && Objects.equals(signals, that.signals);
    }

    @Override
    public int hashCode() {
        return 31 * envelopeHash() + Objects.hashCode(signals);
    }
}
