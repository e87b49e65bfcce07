package io.streamops.exporter.restart;

import java.time.Instant;

/**
 * What {@link RestartDecider} decided, with the job's record as it is after the decision. The caller
 * journals {@link #record()} when {@link #changed()}, and only then acts: an attempt is on record before
 * it is made.
 */
public sealed interface Decision {

    RestartRecord record();

    /** Whether the record differs from the one decided on (and so must be journaled). */
    boolean changed();

    /** Restart now: attempt {@code record().sequence()}, number {@code record().consecutive()} in this series. */
    record RestartNow(RestartRecord record) implements Decision {
        public boolean changed() {
            return true;
        }
    }

    /** Restart at {@code record().due()}, after the back-off. */
    record RestartAt(RestartRecord record) implements Decision {
        public boolean changed() {
            return true;
        }

        public Instant at() {
            return record.due();
        }
    }

    /** A restart is already scheduled or under way: one at a time per job. */
    record Wait(RestartRecord record, boolean changed) implements Decision {
    }

    /**
     * The policy gives up: send the RestartsExhausted page, then journal {@link RestartRecord#announcedNow()}.
     * Decided once per series, and again on ticks only while that page has not been handed over.
     */
    record GiveUp(RestartRecord record) implements Decision {
        public boolean changed() {
            return true;
        }
    }

    /** No restart is called for. */
    record Nothing(RestartRecord record, boolean changed) implements Decision {
    }
}
