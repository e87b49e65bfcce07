package io.streamops.events;

import java.util.Locale;

/**
 * A message {@link EventCodec} cannot read as an event, with what is wrong and where (the field, and
 * the event's type and id when it got that far). A reader counts it by {@link #problem()} and skips it.
 */
public final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of wrong: a reader's counters are labelled with {@link #wireName()}. */
    public enum Problem {
        /**
         * Over a reader's size limit, so not even parsed: the codec has no limit and never says this, a
         * reader that has one (the exporter's {@code kafka.max_event_bytes}) counts it with the others.
         */
        OVERSIZED,
        /** Not JSON, not an object, or a field with a value it cannot have. */
        MALFORMED,
        /** A {@code version} other than {@link EventContract#VERSION}. */
        UNKNOWN_VERSION,
        /** A {@code type} that is not one of {@link EventType}. */
        UNKNOWN_TYPE,
        /** A field every event (or every event of its type) has is missing or empty. */
        MISSING_FIELD;

        private final String wireName = name().toLowerCase(Locale.ROOT);

        public String wireName() {
            return wireName;
        }
    }

    private final Problem problem;

    MalformedEventException(Problem problem, String detail) {
        super(detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
