package io.streamops.exporter.restart;

import com.fasterxml.jackson.annotation.JsonCreator;
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
 * @param incident     the incident the current series answers (an alert's fingerprint and start, or an
 *                     operator's command id): part of {@link #attemptId()}
 * @param handled      the last {@value #HANDLED_KEPT} incidents and commands already acted on: an alert
 *                     Alertmanager sends again, or a command read again after a take-over, is not acted on twice
 * @param oldRuns      the run ids (of any of the job's queries) known before the current attempt: what is said
 *                     about them is about the failure being answered (a job with two queries raises two alerts
 *                     for one lost driver), the last {@value #HANDLED_KEPT}
 * @param newRuns      the run ids first seen during the current attempt
 * @param byHandWaiting a restart by hand that arrived during the current attempt (its command id, or a name
 *                     made for it), "" if none: it is made once the attempt ends, whatever the outcome
 *                     ({@link RestartDecider}); journaled, so the next owner makes it if this one goes
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
        boolean announced,
        String incident,
        List<String> handled,
        List<String> oldRuns,
        List<String> newRuns,
        String byHandWaiting) {

    /** How many acted-on incidents a record remembers: far more than one job sees within a policy window. */
    static final int HANDLED_KEPT = 32;

    @JsonCreator
    public RestartRecord {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(subject, "subject");
        attemptTimes = attemptTimes == null ? List.of() : List.copyOf(attemptTimes);
        reason = reason == null ? "" : reason;
        handle = handle == null ? "" : handle;
        failedRunId = failedRunId == null ? "" : failedRunId;
        lastRunId = lastRunId == null ? "" : lastRunId;
        incident = incident == null ? "" : incident;
        handled = handled == null ? List.of() : List.copyOf(handled);
        oldRuns = oldRuns == null ? List.of() : List.copyOf(oldRuns);
        newRuns = newRuns == null ? List.of() : List.copyOf(newRuns);
        byHandWaiting = byHandWaiting == null ? "" : byHandWaiting;
    }

    /** A record with no restart by hand waiting (as journaled before one could wait). */
    public RestartRecord(RestartPhase phase, RestartSubject subject, int consecutive, List<Instant> attemptTimes, long sequence,
                         Instant due, Instant since, String reason, String handle, String failedRunId, String lastRunId,
                         boolean announced, String incident, List<String> handled, List<String> oldRuns, List<String> newRuns) {
        this(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle, failedRunId, lastRunId,
                announced, incident, handled, oldRuns, newRuns, "");
    }

    /** A record with no run history (as journaled before runs were kept). */
    public RestartRecord(RestartPhase phase, RestartSubject subject, int consecutive, List<Instant> attemptTimes, long sequence,
                         Instant due, Instant since, String reason, String handle, String failedRunId, String lastRunId,
                         boolean announced, String incident, List<String> handled) {
        this(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle, failedRunId, lastRunId,
                announced, incident, handled, List.of(), List.of());
    }

    /** A record with no incident history (as journaled before incidents were kept). */
    public RestartRecord(RestartPhase phase, RestartSubject subject, int consecutive, List<Instant> attemptTimes, long sequence,
                         Instant due, Instant since, String reason, String handle, String failedRunId, String lastRunId,
                         boolean announced) {
        this(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle, failedRunId, lastRunId,
                announced, "", List.of());
    }

    /** A job with no restart history. */
    public static RestartRecord idle(RestartSubject subject, Instant now) {
        return new RestartRecord(RestartPhase.IDLE, subject, 0, List.of(), 0, null, now, "", "", "", "", false, "", List.of(), List.of(), List.of());
    }

    @JsonIgnore
    public String job() {
        return subject.job();
    }

    /**
     * The identity of the current attempt, {@code job#sequence#incident}: the same for every retry of one
     * attempt, by this instance or the next, so a restarter that supports it (Databricks' idempotency_token)
     * starts one run for it, never two. The incident makes it unique beyond the sequence, which starts
     * over if the journal topic is ever lost or another deployment restarts the same platform job.
     */
    @JsonIgnore
    public String attemptId() {
        return subject.job() + "#" + sequence + "#" + incident;
    }

    /** Whether the incident or command {@code id} was acted on already. */
    public boolean handledAlready(String id) {
        return !id.isEmpty() && handled.contains(id);
    }

    /** Attempts made within {@code window} before {@code now}. */
    public long attemptsWithin(Duration window, Instant now) {
        Instant from = now.minus(window);
        return attemptTimes.stream().filter(t -> t.isAfter(from)).count();
    }

    RestartRecord with(RestartPhase newPhase, Instant newDue, Instant newSince, String newReason) {
        return new RestartRecord(newPhase, subject, consecutive, attemptTimes, sequence, newDue, newSince, newReason,
                handle, failedRunId, lastRunId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    RestartRecord withSubject(RestartSubject newSubject) {
        return new RestartRecord(phase, newSubject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    RestartRecord withFailedRun(String runId) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                runId, lastRunId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    RestartRecord withLastRun(String runId) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, runId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    /** This record with the handle the restarter gave for the current attempt. */
    public RestartRecord withHandle(String newHandle) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, newHandle,
                failedRunId, lastRunId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    /** This GIVEN_UP record once its RestartsExhausted page has been handed over. */
    public RestartRecord announcedNow() {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, true, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    /** A new attempt made at {@code now}; attempts older than {@code window} are forgotten. */
    RestartRecord attemptMade(Instant now, Duration window, Duration deadline, String why) {
        Instant from = now.minus(window);
        List<Instant> times = new java.util.ArrayList<>(attemptTimes.stream().filter(t -> t.isAfter(from)).toList());
        times.add(now);
        List<String> old = new java.util.ArrayList<>(oldRuns);
        for (String run : concat(newRuns, List.of(failedRunId, lastRunId))) {
            if (!run.isEmpty() && !old.contains(run)) {
                old.add(run);
            }
        }
        return new RestartRecord(RestartPhase.RESTARTING, subject, consecutive + 1, times, sequence + 1,
                now.plus(deadline), now, why, "", failedRunId, lastRunId, false, incident, handled, last(old), List.of(), byHandWaiting);
    }

    /** This record with a restart by hand waiting for the current attempt to end ({@code id}), or none (""). */
    RestartRecord withByHandWaiting(String id) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, announced, incident, handled, oldRuns, newRuns, id);
    }

    /** This attempt's progress deadline moved to {@code newDue}: the restarter took that long to make it. */
    RestartRecord withDue(Instant newDue) {
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, newDue, since, reason, handle,
                failedRunId, lastRunId, announced, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    /** Counters back to zero: healthy long enough, or an operator's reset. */
    RestartRecord reset(Instant now) {
        return new RestartRecord(RestartPhase.IDLE, subject, 0, List.of(), sequence, null, now, reason, handle,
                failedRunId, lastRunId, false, incident, handled, oldRuns, newRuns, byHandWaiting);
    }

    /**
     * This record having acted on incident or command {@code id} (nothing changes for ""): remembered so it
     * is not acted on again; {@code startsSeries} makes it the incident the next attempts answer.
     */
    RestartRecord withHandled(String id, boolean startsSeries) {
        if (id.isEmpty()) {
            return this;
        }
        List<String> kept = new java.util.ArrayList<>(handled);
        if (!kept.contains(id)) {
            kept.add(id);
        }
        List<String> last = kept.subList(Math.max(0, kept.size() - HANDLED_KEPT), kept.size());
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, announced, startsSeries ? id : incident, last, oldRuns, newRuns, byHandWaiting);
    }

    /**
     * This record having seen run {@code runId} (of any of the job's queries): while an attempt is under way
     * a run not known before it is new ({@link #newRuns}), otherwise it is known ({@link #oldRuns}), so that
     * when the next attempt is made every run seen so far is old news.
     */
    RestartRecord withRunSeen(String runId) {
        if (runId.isEmpty() || oldRuns.contains(runId) || newRuns.contains(runId)) {
            return this;
        }
        boolean attempting = phase == RestartPhase.RESTARTING;
        return new RestartRecord(phase, subject, consecutive, attemptTimes, sequence, due, since, reason, handle,
                failedRunId, lastRunId, announced, incident, handled,
                attempting ? oldRuns : last(concat(oldRuns, List.of(runId))),
                attempting ? last(concat(newRuns, List.of(runId))) : newRuns, byHandWaiting);
    }

    /** Whether run {@code runId} was known before the current attempt: what it tells is about the failure answered. */
    public boolean knownBeforeAttempt(String runId) {
        return !runId.isEmpty() && (runId.equals(failedRunId) || oldRuns.contains(runId));
    }

    /** Whether run {@code runId} was first seen during the current attempt. */
    public boolean firstSeenInAttempt(String runId) {
        return !runId.isEmpty() && newRuns.contains(runId);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> last(List<String> runs) {
        return List.copyOf(runs.subList(Math.max(0, runs.size() - HANDLED_KEPT), runs.size()));
    }
}
