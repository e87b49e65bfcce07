package io.streamops.exporter.restart;

import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The restart controller's decision, as a pure function of the job's record, one observation and the
 * policy: no I/O, no clock, no randomness of its own (the jitter's spread is given). Observing, deciding
 * and acting are kept apart as in the Flink Kubernetes Operator's reconciler, so every case here is a
 * plain test, and the actor ({@link RestartController}) only journals and calls restarters.
 *
 * <p>Old news is told apart by the Spark run id: a restart starts a new run, so an alert about the run
 * whose failure is being answered (a DriverLost that matures after the QueryFailed, say) is not a new
 * failure. Without a run id, the time of the alert against the time of the attempt decides.
 */
public final class RestartDecider {

    private final RestartPolicy policy;
    private final DoubleSupplier spread;

    /** @param spread gives a number in [-1, 1] per back-off: where in the jitter band it falls */
    public RestartDecider(RestartPolicy policy, DoubleSupplier spread) {
        this.policy = policy;
        this.spread = spread;
    }

    public RestartPolicy policy() {
        return policy;
    }

    public Decision decide(RestartRecord record, Observation observation) {
        if (observation instanceof Observation.AlertFired alert) {
            return onAlert(record, alert);
        }
        if (observation instanceof Observation.ProgressMade progress) {
            return onProgress(record, progress);
        }
        if (observation instanceof Observation.LauncherExited exit) {
            return onLauncherExit(record, exit);
        }
        if (observation instanceof Observation.LaunchFailed failed) {
            return record.phase() == RestartPhase.RESTARTING && failed.sequence() == record.sequence()
                    ? schedule(record, "attempt " + record.consecutive() + " could not be made: " + failed.reason(), failed.at())
                    : new Decision.Nothing(record, false);
        }
        if (observation instanceof Observation.QueryStopped stopped) {
            return onStop(record, stopped);
        }
        if (observation instanceof Observation.ManualRestart manual) {
            return record.phase() == RestartPhase.RESTARTING
                    ? new Decision.Wait(record, false)
                    : new Decision.RestartNow(record.withSubject(merge(record.subject(), manual.subject())).reset(manual.at())
                            .attemptMade(manual.at(), policy.window(), policy.progressDeadline(), "restarted by hand"));
        }
        return onTick(record, observation.at());
    }

    private Decision onAlert(RestartRecord record, Observation.AlertFired alert) {
        if ("stopped".equals(alert.queryStatus())) {
            return new Decision.Nothing(record, false); // a clean stop is never restarted
        }
        boolean oldNews = !alert.runId().isEmpty() && alert.runId().equals(record.failedRunId());
        String why = alert.alertname() + " (" + alert.queryStatus() + ")";
        return switch (record.phase()) {
            case GIVEN_UP -> new Decision.Nothing(record, false);
            case WAITING -> new Decision.Wait(record, false);
            case RESTARTING -> oldNews || alert.runId().isEmpty() && !alert.at().isAfter(record.since())
                    ? new Decision.Wait(record, false)
                    : schedule(record.withFailedRun(alert.runId()), "attempt " + record.consecutive() + " failed: " + why, alert.at());
            case IDLE, HEALTHY -> oldNews
                    ? new Decision.Nothing(record, false)
                    : schedule(record.withSubject(merge(record.subject(), alert.subject())).withFailedRun(alert.runId()), why, alert.at());
        };
    }

    private Decision onProgress(RestartRecord record, Observation.ProgressMade progress) {
        RestartRecord seen = record.withLastRun(progress.runId());
        boolean fromFailedRun = !progress.runId().isEmpty() && progress.runId().equals(record.failedRunId());
        return switch (record.phase()) {
            case RESTARTING -> fromFailedRun || !progress.at().isAfter(record.since())
                    ? new Decision.Wait(seen, !seen.equals(record))
                    : new Decision.Nothing(seen.with(RestartPhase.HEALTHY, progress.at().plus(policy.resetAfter()),
                            progress.at(), "attempt " + record.consecutive() + " made progress"), true);
            // The query came back on its own before the back-off ended: nothing to restart.
            case WAITING -> fromFailedRun
                    ? new Decision.Wait(seen, !seen.equals(record))
                    : new Decision.Nothing(record.consecutive() == 0 ? seen.reset(progress.at())
                            : seen.with(RestartPhase.HEALTHY, progress.at().plus(policy.resetAfter()), progress.at(),
                            "recovered without a restart"), true);
            case IDLE, HEALTHY, GIVEN_UP -> new Decision.Nothing(seen, !seen.equals(record));
        };
    }

    /** A launched driver that exits non-zero failed: known at once, no need to wait for the driver-lost timeout. */
    private Decision onLauncherExit(RestartRecord record, Observation.LauncherExited exit) {
        boolean current = exit.sequence() == record.sequence();
        if (!current || exit.exitCode() == 0) {
            return new Decision.Nothing(record, false); // exit 0: a cluster-mode launcher that submitted, or a clean end
        }
        String why = "attempt " + record.consecutive() + ": the launched driver exited with code " + exit.exitCode();
        return switch (record.phase()) {
            case RESTARTING -> schedule(record.withFailedRun(record.lastRunId()), why, exit.at());
            case HEALTHY -> schedule(record.withFailedRun(record.lastRunId()), why, exit.at());
            default -> new Decision.Nothing(record, false);
        };
    }

    private Decision onStop(RestartRecord record, Observation.QueryStopped stopped) {
        return switch (record.phase()) {
            case WAITING, RESTARTING -> new Decision.Nothing(record.with(record.consecutive() == 0 ? RestartPhase.IDLE
                    : RestartPhase.HEALTHY, stopped.at().plus(policy.resetAfter()), stopped.at(), "stopped cleanly"), true);
            default -> new Decision.Nothing(record, false);
        };
    }

    private Decision onTick(RestartRecord record, Instant now) {
        boolean due = record.due() != null && !now.isBefore(record.due());
        return switch (record.phase()) {
            case WAITING -> due
                    ? new Decision.RestartNow(record.attemptMade(now, policy.window(), policy.progressDeadline(), record.reason()))
                    : new Decision.Wait(record, false);
            case RESTARTING -> due
                    ? schedule(record.withFailedRun(record.lastRunId()), "attempt " + record.consecutive()
                            + " made no progress within " + policy.progressDeadline().toSeconds() + " s", now)
                    : new Decision.Wait(record, false);
            case HEALTHY -> due ? new Decision.Nothing(record.reset(now), true) : new Decision.Nothing(record, false);
            case GIVEN_UP -> record.announced() ? new Decision.Nothing(record, false) : new Decision.GiveUp(record);
            case IDLE -> new Decision.Nothing(record, false);
        };
    }

    /** A restart is called for (a failure, or the current attempt failed): the next attempt after the back-off, or give up. */
    private Decision schedule(RestartRecord record, String why, Instant now) {
        if (record.attemptsWithin(policy.window(), now) >= policy.maxAttempts()) {
            return new Decision.GiveUp(record.with(RestartPhase.GIVEN_UP, null, now,
                    why + "; " + policy.maxAttempts() + " attempts within " + policy.window().toMinutes() + " min, giving up"));
        }
        Instant at = now.plus(policy.backoffBefore(record.consecutive() + 1, spread.getAsDouble()));
        RestartRecord waiting = record.with(RestartPhase.WAITING, at, now, why);
        return at.isAfter(now)
                ? new Decision.RestartAt(waiting)
                : new Decision.RestartNow(waiting.attemptMade(now, policy.window(), policy.progressDeadline(), why));
    }

    /** What an alert tells about the job, over what the record knew: values it lacks are kept. */
    private static RestartSubject merge(RestartSubject known, RestartSubject told) {
        return new RestartSubject(known.job(),
                told.queryName().isEmpty() ? known.queryName() : told.queryName(),
                told.queryId().isEmpty() ? known.queryId() : told.queryId(),
                told.appId().isEmpty() ? known.appId() : told.appId(),
                told.tags().isEmpty() ? known.tags() : told.tags());
    }
}
