package io.streamops.exporter.restart;

/** Where a job is in its restart cycle (see {@link RestartDecider}). */
public enum RestartPhase {
    /** Nothing to do: never failed, or healthy long enough that the counters were reset. */
    IDLE,
    /** A restart is scheduled for {@link RestartRecord#due()}. */
    WAITING,
    /** An attempt was made; its query must report progress by {@link RestartRecord#due()}. */
    RESTARTING,
    /** The restarted query made progress; the counters reset at {@link RestartRecord#due()} if it stays so. */
    HEALTHY,
    /** The policy gave up; nothing is restarted until an operator restarts the job by hand. */
    GIVEN_UP
}
