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
     * @param runId       the Spark run the alert is about, "" if unknown (Alertmanager's alerts have none)
     * @param incident    the alert's identity, its fingerprint and start ({@link #incidentOf}); "" if unknown.
     *                    The same alert sent again (Alertmanager repeats and retries) is the same incident
     * @param startsAt    when the alert started firing: what tells a failure already answered from a new one
     *                    when there is no run id (not when it arrived, which a retry or a repeat makes late)
     * @param at          when it was observed
     */
    record AlertFired(RestartSubject subject, String alertname, String queryStatus, String runId, String incident,
                      Instant startsAt, Instant at) implements Observation {

        /** An alert known only by its run id, started when it is observed. */
        public AlertFired(RestartSubject subject, String alertname, String queryStatus, String runId, Instant at) {
            this(subject, alertname, queryStatus, runId, "", at, at);
        }
    }

    /** An alert's incident id: its fingerprint and when it started, "" when either is unknown. */
    static String incidentOf(String fingerprint, Instant startsAt) {
        return fingerprint == null || fingerprint.isEmpty() || startsAt == null ? "" : fingerprint + "@" + startsAt;
    }

    /**
     * A query of the job reported progress (a progress or idle event) from run {@code runId}. Only the failed
     * query's progress ({@code queryId}, stable across restarts from the same checkpoint) proves an attempt:
     * another query of the same job may run on while the failed one is down.
     *
     * @param queryId the query that made progress, "" if unknown (then it is taken for the failed one)
     */
    record ProgressMade(String queryId, String runId, Instant at) implements Observation {

        public ProgressMade(String runId, Instant at) {
            this("", runId, at);
        }
    }

    /** A launcher the restarter started for attempt {@code sequence} exited with {@code exitCode}. */
    record LauncherExited(long sequence, int exitCode, Instant at) implements Observation {
    }

    /** The restarter could not make attempt {@code sequence} (refused, unreachable, not found). */
    record LaunchFailed(long sequence, String reason, Instant at) implements Observation {
    }

    /**
     * The query stopped cleanly ({@code termination.outcome = stopped}): someone meant it to.
     *
     * @param runId the run that stopped, "" if unknown: the restarter stopping the run it replaces is no
     *              operator's stop
     */
    record QueryStopped(String runId, Instant at) implements Observation {

        public QueryStopped(Instant at) {
            this("", at);
        }
    }

    /**
     * An operator asked for a restart by hand: it also resets a given-up policy.
     *
     * @param command the request's id, so that it is acted on once whichever instance reads it ("" if none)
     */
    record ManualRestart(RestartSubject subject, String command, Instant at) implements Observation {

        public ManualRestart(RestartSubject subject, Instant at) {
            this(subject, "", at);
        }
    }

    /** Time passed: a back-off may be over, a deadline passed, a healthy job earned its reset. */
    record Tick(Instant at) implements Observation {
    }
}
