package io.streamops.exporter.restart;

import java.time.Instant;

/** Something the controller learned about a job: the input of {@link RestartDecider}. */
public sealed interface Observation {

    Instant at();

    /**
     * An alert that asks for a restart ({@code actions: [restart]}) started firing.
     *
     * @param queryStatus the query's status at the transition ({@code failed}, {@code driver_lost},
     *                    {@code stalled}, {@code stopped}, ...): a clean stop is never restarted
     * @param runId       the Spark run the alert is about, "" if unknown
     */
    record AlertFired(RestartSubject subject, String alertname, String queryStatus, String runId, Instant at)
            implements Observation {
    }

    /** The job's query reported progress (a progress or idle event) from run {@code runId}. */
    record ProgressMade(String runId, Instant at) implements Observation {
    }

    /** A launcher the restarter started for attempt {@code sequence} exited with {@code exitCode}. */
    record LauncherExited(long sequence, int exitCode, Instant at) implements Observation {
    }

    /** The restarter could not make attempt {@code sequence} (refused, unreachable, not found). */
    record LaunchFailed(long sequence, String reason, Instant at) implements Observation {
    }

    /** The query stopped cleanly ({@code termination.outcome = stopped}): someone meant it to. */
    record QueryStopped(Instant at) implements Observation {
    }

    /** An operator asked for a restart by hand: it also resets a given-up policy. */
    record ManualRestart(RestartSubject subject, Instant at) implements Observation {
    }

    /** Time passed: a back-off may be over, a deadline passed, a healthy job earned its reset. */
    record Tick(Instant at) implements Observation {
    }
}
