package io.streamops.exporter.restart;

import io.streamops.exporter.alert.AlertTransition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Observe, decide, act: turns what the exporter sees about a job into {@link Observation}s, lets the
 * {@link RestartDecider} of the job's target decide, journals the new record, and only then acts (calls
 * the restarter, or hands over the RestartsExhausted page). One decision at a time per job; restarters
 * run on their own threads, so a slow API never holds up the caller, and their results come back as
 * observations ({@link Observation.LaunchFailed}, {@link Observation.LauncherExited}).
 *
 * <p>Call it only on the instance that owns the job (the owner of the job's alerts partition), from one
 * thread (decisions journal, which blocks), and call {@link #takeOver()} when partitions are assigned,
 * before acting on the jobs they bring. What the restarters report later goes to the {@link Feedback}, which
 * hands it back to this controller only while this instance still owns the job.
 */
public final class RestartController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestartController.class);

    /** What happens to a restart by hand while an attempt is under way: one restart at a time per job. */
    public static final String DROPPED_DURING_ATTEMPT = "an attempt is under way for the job, and a restart by hand"
            + " arriving during one is not acted on, not kept for later either; ask again once the attempt has ended";

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
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Jobs whose restarter is still at work: time does not judge an attempt that has not been made yet. */
    private final Set<String> launching = ConcurrentHashMap.newKeySet();
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

    /** Reads what other instances journaled: call when this instance is given jobs, before acting on them. */
    public void takeOver() throws RestartJournal.JournalException {
        journal.catchUp();
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
        return journal.all().stream().filter(RestartController::pending).map(RestartRecord::job).toList();
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
        for (RestartRecord record : journal.all()) {
            if (pending(record) && owned.test(record.job()) && !launching.contains(record.job())) {
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

    /** Decides on one observation about the subject's job, journals the decision, then acts on it. */
    public Optional<Decision> observe(RestartSubject subject, Observation observation) {
        if (closed) {
            return Optional.empty(); // e.g. a launched driver ending after this instance handed its jobs over
        }
        String job = subject.job();
        synchronized (locks.computeIfAbsent(job, j -> new Object())) {
            RestartRecord before = journal.read(job).orElseGet(() -> RestartRecord.idle(subject, clock.instant()));
            Map<String, String> tags = subject.tags().isEmpty() ? before.subject().tags() : subject.tags();
            Optional<RestartTarget> target = config.targetFor(job, tags);
            if (target.isEmpty()) {
                return Optional.empty();
            }
            Decision decision = new RestartDecider(target.get().policy(), spread).decide(before, observation);
            if (decision.changed()) {
                try {
                    journal.write(decision.record()); // on record before it is acted on
                } catch (RestartJournal.JournalException e) {
                    LOG.warn("Not acting on job {}: its restart record could not be journaled ({})", job, e.getMessage());
                    return Optional.empty();
                }
            }
            if (observation instanceof Observation.ManualRestart manual && before.phase() == RestartPhase.RESTARTING
                    && !before.handledAlready(manual.command())) {
                LOG.warn("Restart by hand of job {} ({}) not acted on: {}", job,
                        manual.command().isEmpty() ? "no command id" : manual.command(), DROPPED_DURING_ATTEMPT);
            }
            metrics.decided(before, decision);
            act(target.get(), before, decision);
            return Optional.of(decision);
        }
    }

    private void act(RestartTarget target, RestartRecord before, Decision decision) {
        RestartRecord record = decision.record();
        if (decision instanceof Decision.RestartNow) {
            LOG.info("Restarting job {} with target {} (attempt {} of {}): {}", record.job(), target.name(),
                    record.attemptsWithin(target.policy().window(), clock.instant()), target.policy().maxAttempts(), record.reason());
            RestartRequest request = RestartRequest.of(record, before.handle());
            launching.add(record.job()); // one restart at a time: no deadline passes while the restarter works
            launches.execute(() -> {
                try {
                    launch(target, request);
                } finally {
                    launching.remove(record.job());
                }
            });
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
        try {
            Launch launch = restarters.computeIfAbsent(target.name(), name -> restarterFactory.apply(target.restarter()))
                    .restart(request);
            remember(subject.job(), request.sequence(), launch.handle());
            launch.exit().ifPresent(exit -> exit.thenAccept(code ->
                    feedback.report(subject, new Observation.LauncherExited(request.sequence(), code, clock.instant()))));
        } catch (Restarter.RestartException | RuntimeException e) {
            LOG.warn("Restart attempt {} of job {} failed: {}", request.attemptId(), subject.job(), e.getMessage());
            metrics.notMade(subject.job());
            feedback.report(subject, new Observation.LaunchFailed(request.sequence(), String.valueOf(e.getMessage()), clock.instant()));
        }
    }

    /** Journals what the restarter named the new run, so the next attempt can stop it. */
    private void remember(String job, long sequence, String handle) {
        synchronized (locks.computeIfAbsent(job, j -> new Object())) {
            Optional<RestartRecord> current = journal.read(job);
            if (current.isPresent() && current.get().sequence() == sequence) {
                try {
                    journal.write(current.get().withHandle(handle));
                } catch (RestartJournal.JournalException e) {
                    LOG.warn("Restarted job {}, but could not journal its new run {} ({})", job, handle, e.getMessage());
                }
            }
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
