package io.streamops.exporter.restart;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the controller knows about one job's restarts: what the journal stores (keyed by job), so
 * an instance that takes the job over carries on where the last one stopped.
 *
 * @param phase        where the job is
 * @param subject      the job and the query and application it was last seen with
 * @param consecutive  attempts made since the counters were last reset (the current one included)
 * @param attemptTimes when attempts were made, those within the policy's window
 * @param sequence     attempts ever made for this job: names each attempt ({@link #attemptId()})
 * @param due          WAITING: when to restart; RESTARTING: the progress deadline; HEALTHY: when the counters reset
 * @param since        when the job entered this phase
 * @param reason       why the last restart was decided, or why the last attempt failed
 * @param handle       what the restarter returned for the last attempt (submission id, run id, process id), or ""
 * @param failedRunId  the Spark run id whose failure the current series answers: alerts about it are old news
 * @param lastRunId    the run id last seen making progress
 * @param announced    GIVEN_UP: whether the RestartsExhausted page has been handed over; until then each tick
 *                     decides to give up again, so a page lost with its instance is sent by the next (its
 *                     fingerprint makes a repeat the same incident)
 */
public record RestartRecord(
        RestartPhase phase,
        RestartSubject subject,
        int consecutive,
        List<Instant> attemptTimes,
        long sequence,
        Instant due,
        Instant since,
        String reason,
        String handle,
        String failedRunId,
        String lastRunId,
        boolean announced) {

    public RestartRecord {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(subject, "subject");
        attemptTimes = List.copyOf(attemptTimes);
        reason = reason == null ? "" : reason;
        handle = handle == null ? "" : handle;
        failedRunId = failedRunId == null ? "" : failedRunId;
        lastRunId = lastRunId == null ? "" : lastRunId;
    }

    /** A job with no restart history. */
    public static RestartRecord idle(RestartSubject subject, Instant now) {
        return new RestartRecord(RestartPhase.IDLE, subject, 0, List.of(), 0, null, now, "", "", "", "", false);
    }

    @JsonIgnore
    public String job() {
        return subject.job();
    }

    /**
     * The identity of the current attempt, {@code job#sequence}: the same for every retry of one attempt,
     * by this instance or the next, so a restarter that supports it (Databricks' idempotency_token)
     * starts one run for it, never two.
     */
    @JsonIgnore
    public String attemptId() {
        return subject.job() + "#" + sequence;
    }

    /** Attempts made within {@code window} before {@code now}. */
    public long attemptsWithin(Duration window, Instant now) {
        Instant from = now.minus(window);
        return attemptTimes.stream().filter(t -> t.isAfter(from)).count();
    }

    RestartRecord with(RestartPhase newPhase, Instant newDue, Instant newSince, String newReason) {
        return new RestartRecord(newPhase, subject, consecutive, attemptTimes, sequence, newDue, newSince, newReason,
                handle, failedRunId, lastRunId, announced);
    }

    RestartRecord withSubject(RestartSubject newSubject) {
        return new RestartRecord(phase, newSubject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, announced);
    }

    RestartRecord withFailedRun(String runId) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                runId, lastRunId, announced);
    }

    RestartRecord withLastRun(String runId) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, runId, announced);
    }

    /** This record with the handle the restarter gave for the current attempt. */
    public RestartRecord withHandle(String newHandle) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, newHandle,
                failedRunId, lastRunId, announced);
    }

    /** This GIVEN_UP record once its RestartsExhausted page has been handed over. */
    public RestartRecord announcedNow() {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, true);
    }

    /** A new attempt made at {@code now}; attempts older than {@code window} are forgotten. */
    RestartRecord attemptMade(Instant now, Duration window, Duration deadline, String why) {
        Instant from = now.minus(window);
        List<Instant> times = new java.util.ArrayList<>(attemptTimes.stream().filter(t -> t.isAfter(from)).toList());
        times.add(now);
        return new RestartRecord(RestartPhase.RESTARTING, subject, consecutive + 1, times, sequence + 1,
                now.plus(deadline), now, why, "", failedRunId, lastRunId, false);
    }

    /** Counters back to zero: healthy long enough, or an operator's reset. */
    RestartRecord reset(Instant now) {
        return new RestartRecord(RestartPhase.IDLE, subject, 0, List.of(), sequence, null, now, reason, handle,
                failedRunId, lastRunId, false);
    }
}
