package io.streamops.exporter.restart;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.support.DurationText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Observe, decide, act: turns what the exporter sees about a job into {@link Observation}s, lets the
 * {@link RestartDecider} of the job's target decide, journals the new record, and only then acts (calls
 * the restarter, or hands over the RestartsExhausted page). One decision at a time per job; restarters
 * run on their own threads, so a slow API never holds up the caller, and their results come back as
 * observations ({@link Observation.LaunchFailed}, {@link Observation.LauncherExited}).
 *
 * <p>Call it only on the instance that owns the job (the owner of the job's alerts partition), from one
 * thread (decisions journal, which blocks). When partitions are assigned call {@link #assigned} and then
 * {@link #takeOver()}: no job of a partition is decided on until the journal was read to its end after the
 * partition came (a failed read is retried; what arrives meanwhile waits). When partitions are given up call
 * {@link #revoked}: their jobs are no longer decided on, and it returns once what was under way for them
 * (a decision, a launch) has finished, or after a bounded wait, so the next owner starts from their last
 * record; nothing is journaled for a job after its partition was handed over. Without {@link #assigned}
 * (one instance) every job is this instance's. What the restarters report later goes to the
 * {@link Feedback}, which hands it back to this controller only while this instance still owns the job.
 */
public final class RestartController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestartController.class);

    /** What happens to a restart by hand while an attempt is under way (why: {@link RestartDecider}). */
    public static final String WAITS_FOR_ATTEMPT = "an attempt is under way for the job (one restart at a time): this"
            + " restart by hand is kept and made once that attempt ends, whether it made progress, failed or gave up;"
            + " several asked during one attempt are one restart";
    /** How long {@link #revoked} waits at most for a decision or launch under way (a journal write takes up to 30 s). */
    public static final Duration HAND_OVER_WAIT = Duration.ofSeconds(35);
    /** How soon a failed read of the journal is tried again, at the earliest. */
    private static final Duration CATCH_UP_RETRY = Duration.ofSeconds(1);
    /** Observations kept while their job's journal is not caught up: far more than arrive during a broker's blip. */
    static final int DEFERRED_KEPT = 10_000;

    /**
     * Sends the RestartsExhausted page for a job (critical; its fingerprint {@code RestartsExhausted/<job>#<sequence>}
     * so a repeat by another instance is the same incident). When it returns, the page must be as durable
     * as any alert (on the alerts topic or in the delivery queue); if it throws, the next tick tries again.
     */
    @FunctionalInterface
    public interface GiveUpListener {
        void givenUp(RestartRecord record, RestartTarget target) throws Exception;
    }

    /**
     * Where a restarter's later news about an attempt goes (its launcher exited, or it could not be made):
     * the caller checks that this instance still owns the job before it hands the observation back to
     * {@link #observe}, so an instance that lost the job after a rebalance does not act on it.
     */
    @FunctionalInterface
    public interface Feedback {
        void report(RestartSubject subject, Observation observation);
    }

    private final RestartsConfig config;
    private final Feedback feedback;
    private final RestartJournal journal;
    private final Function<RestarterSettings, Restarter> restarterFactory;
    private final RestartMetrics metrics;
    private final Clock clock;
    private final DoubleSupplier spread;
    private final GiveUpListener giveUp;
    private final Map<String, Restarter> restarters = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /**
     * Per job, its restarter's work under way: time does not judge an attempt that has not been made yet, a
     * second launch of the job starts only once the first has returned, and a hand-over waits for it.
     */
    private final Map<String, CompletableFuture<Void>> launching = new ConcurrentHashMap<>();
    /** Per job, the attempt this instance launched last and what its restarter named the run. */
    private final Map<String, Launched> launchedHere = new ConcurrentHashMap<>();
    /** Which alerts partition a job is on; null until {@link #assigned}: one instance, every job is this one's. */
    private volatile ToIntFunction<String> partitionOf;
    /** The alerts partitions this instance owns, each with whether the journal was read to its end since it came. */
    private final Map<Integer, Assignment> assignments = new ConcurrentHashMap<>();
    /** What arrived for jobs whose journal is not caught up: decided on, in order, once it is. */
    private final Deque<Deferred> deferred = new ArrayDeque<>();
    private volatile long nextCatchUpNanos = System.nanoTime();
    private volatile boolean closed;
    private final ExecutorService launches = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "streamops-restart");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param restarterFactory usually {@code settings -> RestarterSettings.create(settings, System::getenv)}
     * @param spread           the jitter's place in its band for each back-off, in [-1, 1]
     */
    public RestartController(RestartsConfig config, RestartJournal journal, Function<RestarterSettings, Restarter> restarterFactory,
                             RestartMetrics metrics, Clock clock, DoubleSupplier spread, GiveUpListener giveUp) {
        this(config, journal, restarterFactory, metrics, clock, spread, giveUp, null);
    }

    /** @param feedback where the restarters' later news goes; null: back to this controller at once (one owner) */
    public RestartController(RestartsConfig config, RestartJournal journal, Function<RestarterSettings, Restarter> restarterFactory,
                             RestartMetrics metrics, Clock clock, DoubleSupplier spread, GiveUpListener giveUp, Feedback feedback) {
        this.feedback = feedback != null ? feedback : this::observe;
        this.config = config;
        this.journal = journal;
        this.restarterFactory = restarterFactory;
        this.metrics = metrics;
        this.clock = clock;
        this.spread = spread;
        this.giveUp = giveUp;
    }

    /** One assignment of a partition to this instance: a new one each time, so an old catch-up does not count. */
    private static final class Assignment {
        volatile boolean caughtUp;
        /** Being revoked: no new decision; what was under way may still finish, journal included. */
        volatile boolean handingOver;
    }

    /** Every job's, when no partitions are assigned (one instance): the journal was read when it was opened. */
    private static final Assignment ONE_OWNER = new Assignment();

    static {
        ONE_OWNER.caughtUp = true;
    }

    private record Launched(long sequence, String handle) {
    }

    private record Deferred(RestartSubject subject, Observation observation) {
    }

    /**
     * Partitions were assigned to this instance: their jobs are its own from now, but no decision is made on
     * them until {@link #takeOver()} (or a retry of it) has read the journal to its end.
     *
     * @param partitionOf which alerts partition a job's alerts are on
     */
    public void assigned(Collection<Integer> partitions, ToIntFunction<String> partitionOf) {
        this.partitionOf = partitionOf;
        partitions.forEach(partition -> assignments.put(partition, new Assignment()));
    }

    /**
     * Reads what other instances journaled: call when this instance is given jobs, before acting on them.
     * Then decides on what waited for it. If the journal cannot be read to its end, the jobs of the partitions
     * assigned since the last read stay undecided; the next observation or tick about them tries again.
     */
    public void takeOver() throws RestartJournal.JournalException {
        List<Assignment> reading = assignments.values().stream().filter(a -> !a.caughtUp).toList();
        try {
            journal.catchUp();
        } catch (RestartJournal.JournalException e) {
            nextCatchUpNanos = System.nanoTime() + CATCH_UP_RETRY.toNanos();
            LOG.error("Restart journal not read to its end ({}): no restart decision for the jobs of alerts partitions {}"
                    + " until it is; trying again with the next news or tick about them", e.getMessage(), notCaughtUp());
            throw e;
        }
        reading.forEach(a -> a.caughtUp = true);
        decideDeferred();
    }

    /**
     * Partitions are being given up (or were lost): no decision is made for their jobs from now, what was
     * under way for them (a decision journaling, a restarter at work) is waited for, at most {@code wait},
     * and nothing is journaled for them afterwards (a launch still at work after the wait does not journal
     * its new run; its launcher's exit is not acted on here). Call before the partitions are handed over.
     *
     * @return whether nothing was still under way for their jobs when it returned
     */
    public boolean revoked(Collection<Integer> partitions, Duration wait) {
        ToIntFunction<String> of = partitionOf;
        partitions.forEach(partition -> assignments.computeIfPresent(partition, (p, a) -> {
            a.handingOver = true;
            return a;
        }));
        try {
            return finishWork(partitions, of, wait);
        } finally {
            partitions.forEach(assignments::remove);
        }
    }

    /** Waits, at most {@code wait}, for the decisions and launches under way for the jobs of {@code partitions}. */
    private boolean finishWork(Collection<Integer> partitions, ToIntFunction<String> of, Duration wait) {
        if (of == null || partitions.isEmpty()) {
            return true;
        }
        Predicate<String> handedOver = job -> partitions.contains(of.applyAsInt(job));
        synchronized (deferred) {
            deferred.removeIf(d -> handedOver.test(d.subject().job()));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Set<String> unfinished = new java.util.TreeSet<>();
        try {
            for (Map.Entry<String, ReentrantLock> job : locks.entrySet()) {
                if (handedOver.test(job.getKey())) {
                    if (job.getValue().tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        job.getValue().unlock(); // the decision under way, if any, is done; the next ones see the revoke
                    } else {
                        unfinished.add(job.getKey());
                    }
                }
            }
            for (Map.Entry<String, CompletableFuture<Void>> job : launching.entrySet()) {
                if (handedOver.test(job.getKey())) {
                    try {
                        job.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        unfinished.add(job.getKey());
                    } catch (ExecutionException e) {
                        // a launch that failed is over
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unfinished.add("(interrupted)");
        }
        if (!unfinished.isEmpty()) {
            LOG.warn("Handing over alerts partitions {}: restart work of jobs {} still under way after {}; it journals"
                    + " nothing more, and the next owner judges their attempts by their last record", partitions, unfinished,
                    DurationText.format(wait));
        }
        return unfinished.isEmpty();
    }

    private Optional<Assignment> assignmentOf(String job) {
        ToIntFunction<String> of = partitionOf;
        return of == null ? Optional.of(ONE_OWNER) : Optional.ofNullable(assignments.get(of.applyAsInt(job)));
    }

    /** Whether this instance owns the job (its alerts partition) and is not handing it over: news is its to decide. */
    private boolean owns(String job) {
        return assignmentOf(job).map(a -> !a.handingOver).orElse(false);
    }

    /** Whether what was under way for the job may still be journaled: it is owned, or being handed over. */
    private boolean mayJournal(String job) {
        return assignmentOf(job).isPresent();
    }

    /** Whether this instance decides on the job now: it owns it and has read the journal since it came. */
    public boolean decidesFor(String job) {
        return assignmentOf(job).map(a -> a.caughtUp && !a.handingOver).orElse(false);
    }

    private List<Integer> notCaughtUp() {
        return assignments.entrySet().stream().filter(e -> !e.getValue().caughtUp).map(Map.Entry::getKey).sorted().toList();
    }

    /** Reads the journal again if a partition waits for it and the last failure is not too recent. */
    private void catchUpAgain() {
        if (notCaughtUp().isEmpty() || System.nanoTime() - nextCatchUpNanos < 0) {
            return;
        }
        try {
            takeOver();
        } catch (RestartJournal.JournalException e) {
            // logged by takeOver; tried again later
        }
    }

    private void defer(RestartSubject subject, Observation observation) {
        if (observation instanceof Observation.Tick) {
            return; // time acts again on the next tick
        }
        synchronized (deferred) {
            deferred.addLast(new Deferred(subject, observation));
            if (deferred.size() > DEFERRED_KEPT) {
                Deferred oldest = deferred.removeFirst();
                LOG.warn("More than {} restart observations wait for the restart journal: dropped the oldest, about job {}",
                        DEFERRED_KEPT, oldest.subject().job());
            }
        }
    }

    /** Decides, in arrival order, on what waited for the journal and can be decided on now. */
    private void decideDeferred() {
        List<Deferred> ready = new ArrayList<>();
        synchronized (deferred) {
            for (java.util.Iterator<Deferred> it = deferred.iterator(); it.hasNext(); ) {
                Deferred d = it.next();
                if (!owns(d.subject().job())) {
                    it.remove();
                } else if (decidesFor(d.subject().job())) {
                    ready.add(d);
                    it.remove();
                }
            }
        }
        ready.forEach(d -> observe(d.subject(), d.observation()));
    }

    /** Exports the per-job gauges of the jobs this instance owns now, and drops those of jobs it no longer owns. */
    public void gaugesFor(Predicate<String> owned) {
        metrics.trackOwned(journal.all(), owned);
    }

    /**
     * An alert that asks for a restart started firing: a rule with {@code actions: [restart]}, or an
     * Alertmanager alert that asks for it.
     *
     * @return the decision, or empty when no target covers the job (or the journal could not be written)
     */
    public Optional<Decision> alertFired(RestartSubject subject, String alertname, String queryStatus, String runId) {
        return observe(subject, new Observation.AlertFired(subject, alertname, queryStatus, runId, clock.instant()));
    }

    /**
     * As above, for an alert known by its fingerprint and start (an Alertmanager alert): the same alert sent
     * again is not acted on twice, and its start, not its arrival, tells an old failure from a new one.
     */
    public Optional<Decision> alertFired(RestartSubject subject, String alertname, String queryStatus, String runId,
                                         String fingerprint, Instant startsAt) {
        Instant now = clock.instant();
        return observe(subject, new Observation.AlertFired(subject, alertname, queryStatus, runId,
                Observation.incidentOf(fingerprint, startsAt), startsAt == null ? now : startsAt, now));
    }

    /**
     * A FIRING transition of a rule with {@code actions: [restart]}: what the router calls for the jobs it
     * owns, for transitions it has not seen before (not for history it replays).
     */
    public Optional<Decision> alertFired(AlertTransition transition) {
        Observation.AlertFired fired = TransitionSubject.fired(transition, clock.instant());
        return fired.subject().job().isEmpty() ? Optional.empty() : observe(fired.subject(), fired);
    }

    /** A progress or idle event of the job's query, from run {@code runId}. Cheap for jobs never restarted. */
    public void progress(String job, String runId) {
        known(job).ifPresent(record -> observe(record.subject(), new Observation.ProgressMade(runId, clock.instant())));
    }

    /** The job's query stopped cleanly ({@code termination.outcome = stopped}). */
    public void stopped(String job) {
        known(job).ifPresent(record -> observe(record.subject(), new Observation.QueryStopped(clock.instant())));
    }

    /** An operator's restart ({@code POST /api/jobs/{job}/restart}): also resets a policy that gave up. */
    public Optional<Decision> restartByHand(RestartSubject subject) {
        return restartByHand(subject, "");
    }

    /** As above, for the command {@code command} (its id): acted on once, however often it is read. */
    public Optional<Decision> restartByHand(RestartSubject subject, String command) {
        return observe(subject, new Observation.ManualRestart(subject, command, clock.instant()));
    }

    /** Whether a target covers the job: what any instance can answer before it hands a request to the owner. */
    public boolean covers(RestartSubject subject) {
        Map<String, String> tags = subject.tags().isEmpty()
                ? known(subject.job()).map(r -> r.subject().tags()).orElse(Map.of()) : subject.tags();
        return config.targetFor(subject.job(), tags).isPresent();
    }

    /** The jobs that have something pending for time to act on: those {@link #tick} would look at. */
    public java.util.List<String> pendingJobs() {
        List<String> jobs = new ArrayList<>(journal.all().stream().filter(RestartController::pending).map(RestartRecord::job).toList());
        synchronized (deferred) {
            deferred.forEach(d -> jobs.add(d.subject().job())); // a tick tries to read the journal again for them
        }
        return jobs;
    }

    /** The jobs whose attempt waits for their query's progress (or for their back-off, which progress may end). */
    public java.util.Set<String> awaitingProgress() {
        return journal.all().stream().filter(r -> r.phase() == RestartPhase.RESTARTING || r.phase() == RestartPhase.WAITING)
                .map(RestartRecord::job).collect(java.util.stream.Collectors.toSet());
    }

    private static boolean pending(RestartRecord record) {
        return record.phase() != RestartPhase.IDLE && !(record.phase() == RestartPhase.GIVEN_UP && record.announced());
    }

    /** Lets time act (back-offs ending, deadlines passing, resets): call about once a second. */
    public void tick(Predicate<String> owned) {
        catchUpAgain();
        decideDeferred();
        for (RestartRecord record : journal.all()) {
            if (pending(record) && owned.test(record.job()) && !launching(record.job())) {
                observe(record.subject(), new Observation.Tick(clock.instant()));
            }
        }
    }

    /** The job's record as this instance knows it. */
    public Optional<RestartRecord> record(String job) {
        return known(job);
    }

    public Collection<RestartRecord> records() {
        return journal.all();
    }

    /** What a notification about the job should say about its restart, e.g. "restarting, attempt 2 of 5, next in 40 s". */
    public Optional<String> statusLine(String job) {
        return known(job).flatMap(record -> config.targetFor(job, record.subject().tags())
                .flatMap(target -> RestartStatusLine.of(record, target.policy(), clock.instant())));
    }

    private Optional<RestartRecord> known(String job) {
        return journal.read(job);
    }

    /** Whether the job's restarter is still at work on an attempt. */
    public boolean launching(String job) {
        CompletableFuture<Void> launch = launching.get(job);
        return launch != null && !launch.isDone();
    }

    private ReentrantLock lockOf(String job) {
        return locks.computeIfAbsent(job, j -> new ReentrantLock());
    }

    /** Decides on one observation about the subject's job, journals the decision, then acts on it. */
    public Optional<Decision> observe(RestartSubject subject, Observation observation) {
        if (closed) {
            return Optional.empty(); // e.g. a launched driver ending after this instance handed its jobs over
        }
        String job = subject.job();
        if (!owns(job)) {
            LOG.debug("Not deciding on job {}: its alerts partition is not this instance's (any more)", job);
            return Optional.empty();
        }
        if (!decidesFor(job)) {
            catchUpAgain();
            if (!decidesFor(job)) {
                LOG.warn("Not deciding on job {} yet: the restart journal has not been read to its end since its alerts"
                        + " partition came to this instance; kept until it is", job);
                defer(subject, observation);
                return Optional.empty();
            }
        }
        ReentrantLock lock = lockOf(job);
        lock.lock();
        try {
            RestartRecord before = journal.read(job).orElseGet(() -> RestartRecord.idle(subject, clock.instant()));
            Map<String, String> tags = subject.tags().isEmpty() ? before.subject().tags() : subject.tags();
            Optional<RestartTarget> target = config.targetFor(job, tags);
            if (target.isEmpty()) {
                return Optional.empty();
            }
            Decision decision = new RestartDecider(target.get().policy(), spread).decide(before, observation);
            if (decision.changed()) {
                if (!mayJournal(job)) {
                    LOG.info("Not acting on job {}: its alerts partition was handed over while deciding", job);
                    return Optional.empty();
                }
                try {
                    journal.write(decision.record()); // on record before it is acted on
                } catch (RestartJournal.JournalException e) {
                    LOG.warn("Not acting on job {}: its restart record could not be journaled ({})", job, e.getMessage());
                    return Optional.empty();
                }
            }
            if (observation instanceof Observation.ManualRestart manual && before.phase() == RestartPhase.RESTARTING
                    && !before.handledAlready(manual.command())) {
                LOG.info("Restart by hand of job {} ({}): {}", job,
                        manual.command().isEmpty() ? "no command id" : manual.command(), WAITS_FOR_ATTEMPT);
            }
            metrics.decided(before, decision);
            act(target.get(), before, decision);
            return Optional.of(decision);
        } finally {
            lock.unlock();
        }
    }

    private void act(RestartTarget target, RestartRecord before, Decision decision) {
        RestartRecord record = decision.record();
        if (decision instanceof Decision.RestartNow) {
            LOG.info("Restarting job {} with target {} (attempt {} of {}): {}", record.job(), target.name(),
                    record.attemptsWithin(target.policy().window(), clock.instant()), target.policy().maxAttempts(), record.reason());
            RestartRequest request = RestartRequest.of(record, before.handle());
            // One restart at a time: no deadline passes while the restarter works, and a launch decided while
            // the last one is still at work (a new failure meanwhile) starts once that one has returned.
            launching.compute(record.job(), (job, last) -> (last == null ? CompletableFuture.<Void>completedFuture(null) : last)
                    .handle((done, failed) -> null)
                    .thenRunAsync(() -> launch(target, request), launches));
        } else if (decision instanceof Decision.RestartAt at) {
            LOG.info("Job {} will be restarted at {}: {}", record.job(), at.at(), record.reason());
        } else if (decision instanceof Decision.GiveUp) {
            announce(target, record);
        }
    }

    private void announce(RestartTarget target, RestartRecord record) {
        try {
            giveUp.givenUp(record, target);
            journal.write(record.announcedNow());
            metrics.track(record.announcedNow());
            LOG.warn("Gave up restarting job {}: {}", record.job(), record.reason());
        } catch (Exception e) {
            LOG.warn("The RestartsExhausted page of job {} could not be handed over yet ({}); trying again", record.job(), e.toString());
        }
    }

    private void launch(RestartTarget target, RestartRequest request) {
        RestartSubject subject = request.subject();
        if (!mayJournal(subject.job())) {
            LOG.warn("Restart attempt {} of job {} not made: its alerts partition was handed over first; the next owner"
                    + " judges the journaled attempt by its progress deadline", request.attemptId(), subject.job());
            return;
        }
        try {
            Launch launch = restarters.computeIfAbsent(target.name(), name -> restarterFactory.apply(target.restarter()))
                    .restart(withPreviousRun(request));
            launchedHere.put(subject.job(), new Launched(request.sequence(), launch.handle()));
            remember(subject.job(), request.sequence(), launch.handle(), target.policy());
            launch.exit().ifPresent(exit -> exit.thenAccept(code ->
                    feedback.report(subject, new Observation.LauncherExited(request.sequence(), code, clock.instant()))));
        } catch (Restarter.RestartException | RuntimeException e) {
            LOG.warn("Restart attempt {} of job {} failed: {}", request.attemptId(), subject.job(), e.getMessage());
            metrics.notMade(subject.job());
            feedback.report(subject, new Observation.LaunchFailed(request.sequence(), String.valueOf(e.getMessage()), clock.instant()));
        }
    }

    /**
     * The request with the run to stop: the journal's, unless this instance launched the attempt just before
     * (decided while that launch was at work, so the journal did not have its run yet).
     */
    private RestartRequest withPreviousRun(RestartRequest request) {
        Launched last = launchedHere.get(request.subject().job());
        return last != null && last.sequence() == request.sequence() - 1 && !last.handle().isEmpty()
                ? new RestartRequest(request.subject(), request.sequence(), request.attemptId(), last.handle())
                : request;
    }

    /**
     * Journals what the restarter named the new run, so the next attempt can stop it, and starts the attempt's
     * progress deadline from now: a restarter that took long (a Databricks cancel_wait, a Kubernetes
     * delete_wait, a driver slow to stop) must not leave the new run less than the deadline to show progress.
     * Nothing is journaled once the job's partition was handed over: the record is the next owner's.
     */
    private void remember(String job, long sequence, String handle, RestartPolicy policy) {
        ReentrantLock lock = lockOf(job);
        lock.lock();
        try {
            if (!mayJournal(job)) {
                LOG.warn("Restarted job {} (new run {}), but its alerts partition was handed over meanwhile: not journaled,"
                        + " the next owner judges the attempt by its record", job, handle);
                return;
            }
            Optional<RestartRecord> current = journal.read(job);
            if (current.isPresent() && current.get().sequence() == sequence) {
                RestartRecord made = current.get().withHandle(handle);
                Instant deadline = clock.instant().plus(policy.progressDeadline());
                if (made.phase() == RestartPhase.RESTARTING && made.due() != null && made.due().isBefore(deadline)) {
                    made = made.withDue(deadline);
                }
                try {
                    journal.write(made);
                } catch (RestartJournal.JournalException e) {
                    LOG.warn("Restarted job {}, but could not journal its new run {} ({})", job, handle, e.getMessage());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        launches.shutdownNow();
        try {
            launches.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
