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
 * failure. Without a run id (Alertmanager's alerts), the alert's start against the attempt's time decides:
 * an alert that started before the attempt was made, or before the restarted run was seen healthy, is
 * about the failure already answered. Each alert acted on is remembered by its incident (fingerprint
 * and start) and each operator's command by its id, so neither is acted on twice when sent again.
 */
public final class RestartDecider {

    /** Exit codes of a JVM ended by SIGINT (128 + 2) or SIGTERM (128 + 15): stopped on purpose, not failed. */
    private static final java.util.Set<Integer> STOPPED_BY_SIGNAL = java.util.Set.of(130, 143);

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
        Decision decided = decideOne(record, observation);
        if (record.byHandWaiting().isEmpty() || attemptGoesOn(record, decided)) {
            return decided;
        }
        if (stoppedOnPurpose(observation)) {
            // Someone stopped the job after asking for its restart: the later wish wins, the job stays stopped.
            RestartRecord stopped = decided.record().withByHandWaiting("");
            return new Decision.Nothing(stopped.with(stopped.phase(), stopped.due(), stopped.since(),
                    stopped.reason() + "; the restart by hand asked for during the attempt is dropped"), true);
        }
        // The attempt a restart by hand waited for has ended (progress, failure, give-up): it is made now, as
        // if it had arrived this moment. A new attempt the policy would start is the same restart.
        RestartRecord ended = (decided instanceof Decision.RestartNow ? record : decided.record()).withByHandWaiting("");
        return restartByHand(ended, record.byHandWaiting(), ended.subject(), observation.at());
    }

    /** A clean stop of the query, or a launched driver stopped by a signal: someone meant it to stop. */
    private static boolean stoppedOnPurpose(Observation observation) {
        return observation instanceof Observation.QueryStopped
                || observation instanceof Observation.LauncherExited exit && STOPPED_BY_SIGNAL.contains(exit.exitCode());
    }

    /** Whether {@code decided} keeps the attempt of {@code record} under way (no new attempt, still RESTARTING). */
    private static boolean attemptGoesOn(RestartRecord record, Decision decided) {
        return !(decided instanceof Decision.RestartNow) && decided.record().phase() == RestartPhase.RESTARTING
                && decided.record().sequence() == record.sequence();
    }

    private Decision decideOne(RestartRecord record, Observation observation) {
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
            return onManualRestart(record, manual);
        }
        return onTick(record, observation.at());
    }

    private Decision onAlert(RestartRecord record, Observation.AlertFired alert) {
        if ("stopped".equals(alert.queryStatus())) {
            return new Decision.Nothing(record, false); // a clean stop is never restarted
        }
        if (record.handledAlready(alert.incident())) {
            return quiet(record, false); // the same alert again: Alertmanager repeats and retries
        }
        boolean withRun = !alert.runId().isEmpty();
        boolean oldRun = withRun && alert.runId().equals(record.failedRunId());
        // While an attempt is under way: a run known before it is old news (another query of the lost driver
        // raising its own alert); a run never seen counts only for the failed query, whose new run may fail
        // before its first progress; another query's unseen run is most likely of the replaced driver.
        boolean attemptFailed = withRun
                ? !record.knownBeforeAttempt(alert.runId())
                        && (record.firstSeenInAttempt(alert.runId()) || sameQuery(record, alert.subject().queryId()))
                : alert.startsAt().isAfter(record.since());
        RestartRecord seen = record.withHandled(alert.incident(), false).withRunSeen(alert.runId());
        boolean changed = !seen.equals(record);
        String why = alert.alertname() + " (" + alert.queryStatus() + ")";
        return switch (record.phase()) {
            case GIVEN_UP -> new Decision.Nothing(seen, changed);
            case WAITING -> new Decision.Wait(seen, changed);
            // Without a run id an alert that started after the attempt is about the restarted run.
            case RESTARTING -> !attemptFailed
                    ? new Decision.Wait(seen, changed)
                    : schedule(seen.withFailedRun(alert.runId()), "attempt " + record.consecutive() + " failed: " + why, alert.at());
            // HEALTHY since the restarted run made progress: an alert that started before is about the old failure.
            case IDLE, HEALTHY -> oldRun || !withRun && record.phase() == RestartPhase.HEALTHY && !alert.startsAt().isAfter(record.since())
                    ? new Decision.Nothing(seen, changed)
                    : schedule(seen.withHandled(alert.incident(), true).withSubject(merge(record.subject(), alert.subject()))
                            .withFailedRun(alert.runId()), why, alert.at());
        };
    }

    /**
     * An operator's restart: now, unless an attempt is under way; a command read twice is acted on once.
     *
     * <p>During an attempt it waits for the attempt to end, and is then made whatever the outcome. Not made
     * at once: one restart at a time, and killing a driver that is still starting from its checkpoint helps
     * no one. Not dropped either (nor merged into the attempt): an operator who asks for a restart has
     * usually changed something (a fix deployed, a config) that the attempt under way may predate, and
     * expects the restart asked for to happen; the API answer says when. Several arriving during one
     * attempt are one restart.
     */
    private Decision onManualRestart(RestartRecord record, Observation.ManualRestart manual) {
        if (record.handledAlready(manual.command())) {
            return quiet(record, false);
        }
        if (record.phase() == RestartPhase.RESTARTING) {
            RestartRecord waiting = record.withHandled(manual.command(), false);
            if (waiting.byHandWaiting().isEmpty()) {
                waiting = waiting.withByHandWaiting(manual.command().isEmpty() ? "by-hand@" + manual.at() : manual.command());
            }
            return new Decision.Wait(waiting, !waiting.equals(record));
        }
        return restartByHand(record.withHandled(manual.command(), true), "", manual.subject(), manual.at());
    }

    /** The restart by hand made now: the policy reset, a new series started by {@code id} ("" if none). */
    private Decision restartByHand(RestartRecord record, String id, RestartSubject told, Instant at) {
        RestartRecord seen = record.withHandled(id, true);
        // The run it replaces is the one last seen making progress: its late events are not the new run's.
        return new Decision.RestartNow(seen.withSubject(merge(record.subject(), told)).withFailedRun(record.lastRunId())
                .reset(at).attemptMade(at, policy.window(), policy.progressDeadline(), "restarted by hand"));
    }

    /** No new decision: Wait while a restart is scheduled or under way, else Nothing. */
    private static Decision quiet(RestartRecord record, boolean changed) {
        return record.phase() == RestartPhase.WAITING || record.phase() == RestartPhase.RESTARTING
                ? new Decision.Wait(record, changed) : new Decision.Nothing(record, changed);
    }

    /** Whether {@code queryId} is the job's failed query (or either is unknown, as for a job with one query). */
    private static boolean sameQuery(RestartRecord record, String queryId) {
        return queryId.isEmpty() || record.subject().queryId().isEmpty() || queryId.equals(record.subject().queryId());
    }

    private Decision onProgress(RestartRecord record, Observation.ProgressMade progress) {
        if (!sameQuery(record, progress.queryId())) {
            // Another query of the job running on proves nothing about the failed one: its run is only noted.
            RestartRecord noted = record.withRunSeen(progress.runId());
            return quiet(noted, !noted.equals(record));
        }
        RestartRecord seen = record.withLastRun(progress.runId()).withRunSeen(progress.runId());
        boolean fromFailedRun = !progress.runId().isEmpty() && progress.runId().equals(record.failedRunId());
        return switch (record.phase()) {
            case RESTARTING -> record.knownBeforeAttempt(progress.runId()) || !progress.at().isAfter(record.since())
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

    /**
     * A launched driver that failed is known at once, no need to wait for the driver-lost timeout. Only a
     * failure counts: exit 0 is a cluster-mode launcher that submitted, or a clean end, and 130 or 143
     * (SIGINT, SIGTERM) a driver someone stopped on purpose, as a clean stop is. Only the current attempt's
     * launcher counts, also after the counters were reset (IDLE keeps the sequence of the run it launched).
     */
    private Decision onLauncherExit(RestartRecord record, Observation.LauncherExited exit) {
        boolean current = exit.sequence() == record.sequence();
        if (!current || exit.exitCode() == 0) {
            return new Decision.Nothing(record, false);
        }
        if (STOPPED_BY_SIGNAL.contains(exit.exitCode())) {
            return onStop(record, new Observation.QueryStopped(exit.at()));
        }
        String why = (record.consecutive() == 0 ? "" : "attempt " + record.consecutive() + ": ")
                + "the launched driver exited with code " + exit.exitCode();
        return switch (record.phase()) {
            case RESTARTING, HEALTHY, IDLE -> schedule(record.withFailedRun(record.lastRunId()), why, exit.at());
            default -> new Decision.Nothing(record, false);
        };
    }

    private Decision onStop(RestartRecord record, Observation.QueryStopped stopped) {
        if (record.phase() == RestartPhase.RESTARTING && record.knownBeforeAttempt(stopped.runId())) {
            return new Decision.Wait(record, false); // the restarter stopping the run it replaces
        }
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
