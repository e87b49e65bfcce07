package io.streamops.exporter.query;

import io.streamops.events.Heartbeat;
import io.streamops.events.ProgressSignals;
import io.streamops.events.SourceLag;
import io.streamops.events.Termination;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the exporter knows of one query (by query id, across its runs): folded from its events, kept
 * in a Kafka Streams state store as JSON, and turned into {@link Signals} at any instant.
 *
 * <p>Public fields, because this is a plain serialised record of facts; behaviour lives in
 * {@link #apply} and {@link #signals}. Each event is kept on two clocks. Its own timestamp (the
 * driver's clock: {@code ...AtMillis}) orders events and measures spans between them (rates, growth).
 * When the exporter heard it (its own clock: {@code ...HeardAtMillis}) is what "how long since" is
 * measured against, because {@code now} is the exporter's clock: a driver whose clock runs minutes
 * ahead or behind must not look lost, stalled or idle for it. Replay hears each event at its own
 * timestamp, so replaying recorded events gives the same answers as live.
 */
public final class QueryState {
    /** One progress, kept for the averaging window. */
    public record Sample(long atMillis, double inputRate, double processedRate, double recordsBehind,
                         double stateMemoryBytes, double stateRows) {
    }

    public String queryId;
    public String queryName;
    public String runId;
    public String job;
    public String appId;
    public String host;
    public Map<String, String> tags = Map.of();

    /** Null while running; "failed" or "stopped" once the current run has terminated. */
    public String ended;
    public String endedRunId;
    public long endedAtMillis = -1;
    public String exceptionMessage = "";
    public String errorClass = "";
    public long consecutiveFailures;

    public long startedAtMillis = -1;
    public long lastProgressAtMillis = -1;
    public long lastIdleAtMillis = -1;
    public long lastHeartbeatAtMillis = -1;
    public long lastSeenAtMillis = -1;

    // The same moments on the exporter's clock: when it heard them (-1 in records saved before these existed).
    public long startedHeardAtMillis = -1;
    public long lastProgressHeardAtMillis = -1;
    public long lastIdleHeardAtMillis = -1;
    public long lastHeartbeatHeardAtMillis = -1;
    public long lastHeardAtMillis = -1;
    /** The listener's heartbeat interval as its heartbeats state it (NaN from listeners that do not). */
    public double heartbeatIntervalMs = Double.NaN;

    public boolean triggerActive;
    public boolean dataAvailable = true;
    public double triggerIntervalMs = Double.NaN;
    public double listenerDroppedTotal = Double.NaN;
    public double listenerDroppedAtPreviousBeat = Double.NaN;

    public double batchDurationMs = Double.NaN;
    public double watermarkDelayMs = Double.NaN;
    public double stateRows = Double.NaN;
    public double stateMemoryBytes = Double.NaN;
    public double recordsBehind = Double.NaN;
    /** Records behind per source and Kafka partition, from the last progress ({@code signals.sources}). */
    public List<SourceLag> sources = List.of();
    public List<Sample> window = new ArrayList<>();

    /** At most this many samples per query (see {@link #thin}). */
    static final int MAX_SAMPLES = 32;

    /** Folds one event in, heard at its own timestamp (replay: event time is the only clock). */
    public void apply(QueryEvent e, StatusPolicy policy) {
        apply(e, policy, e.timestamp().toEpochMilli());
    }

    /**
     * Folds one event in, heard by the exporter at {@code heardAtMillis} (its own clock). Duplicates (a
     * retried lifecycle event) change nothing.
     */
    public void apply(QueryEvent e, StatusPolicy policy, long heardAtMillis) {
        long at = e.timestamp().toEpochMilli();
        long heard = heardAtMillis;
        queryId = e.queryId();
        job = e.job();
        appId = e.appId();
        host = e.host();
        tags = e.tags(); // immutable already (QueryEvent): Signals takes it without a copy
        if (e.queryName() != null) {
            queryName = e.queryName();
        }
        lastSeenAtMillis = Math.max(lastSeenAtMillis, at);
        lastHeardAtMillis = Math.max(lastHeardAtMillis, heard);
        boolean newRun = !e.runId().equals(runId);
        switch (e.type()) {
            case STARTED -> {
                // A run's started can arrive after its terminated (the listener retried it): the run
                // has ended, and re-opening it would page DriverLost for a query that is gone.
                if (e.runId().equals(endedRunId)) {
                    return;
                }
                if (newRun || startedAtMillis < 0) {
                    startRun(e.runId(), at, heard);
                }
            }
            case PROGRESS -> {
                if (newRun && !e.runId().equals(endedRunId)) {
                    startRun(e.runId(), at, heard);
                }
                progress(e.signals(), at, heard, policy);
            }
            case IDLE -> {
                if (newRun && !e.runId().equals(endedRunId)) {
                    startRun(e.runId(), at, heard);
                }
                if (at >= lastIdleAtMillis) {
                    lastIdleAtMillis = at;
                    lastIdleHeardAtMillis = heard;
                }
            }
            case HEARTBEAT -> heartbeat(e.heartbeat(), e.runId(), at, heard);
            case TERMINATED -> terminated(e.termination(), e.runId(), at);
        }
    }

    private void startRun(String newRunId, long at, long heard) {
        runId = newRunId;
        startedAtMillis = at;
        startedHeardAtMillis = heard;
        lastProgressHeardAtMillis = -1;
        lastIdleHeardAtMillis = -1;
        ended = null;
        endedRunId = null;
        endedAtMillis = -1;
        lastProgressAtMillis = -1;
        lastIdleAtMillis = -1;
        triggerActive = false;
        dataAvailable = true;
        window = new ArrayList<>();
    }

    private void progress(ProgressSignals s, long at, long heard, StatusPolicy policy) {
        if (at >= lastProgressAtMillis) {
            lastProgressAtMillis = at;
            lastProgressHeardAtMillis = heard;
        }
        batchDurationMs = orNaN(s.batchDurationMs());
        watermarkDelayMs = orNaN(s.watermarkDelayMs());
        stateRows = s.stateRows();
        stateMemoryBytes = s.stateMemoryBytes();
        recordsBehind = orNaN(s.recordsBehindLatest());
        sources = s.sources();
        window.add(new Sample(at, s.inputRowsPerSecond(), s.processedRowsPerSecond(), recordsBehind, stateMemoryBytes, stateRows));
        long oldest = at - policy.window().toMillis();
        window.removeIf(sample -> sample.atMillis() < oldest);
        if (window.size() > MAX_SAMPLES) {
            thin();
        }
    }

    /**
     * Halves the samples, keeping the oldest and the newest: a 1 s trigger would otherwise keep 300
     * samples per query, and the whole record is serialised on every event. Means and growth over the
     * window stay well estimated at coarser resolution.
     */
    private void thin() {
        List<Sample> kept = new ArrayList<>(window.size() / 2 + 2);
        for (int i = 0; i < window.size() - 1; i += 2) {
            kept.add(window.get(i));
        }
        kept.add(window.get(window.size() - 1));
        window = kept;
    }

    private void heartbeat(Heartbeat h, String beatRunId, long at, long heard) {
        if (!beatRunId.equals(runId) || ended != null) {
            return; // a late heartbeat of a run that has ended
        }
        lastHeartbeatAtMillis = Math.max(lastHeartbeatAtMillis, at);
        lastHeartbeatHeardAtMillis = Math.max(lastHeartbeatHeardAtMillis, heard);
        if (h.intervalMs() != null && h.intervalMs() > 0) {
            heartbeatIntervalMs = h.intervalMs();
        }
        if (h.status() != null) {
            triggerActive = h.status().triggerActive();
            dataAvailable = h.status().dataAvailable();
        }
        if (h.triggerIntervalMs() != null) {
            triggerIntervalMs = h.triggerIntervalMs();
        }
        if (h.listenerEventsDropped() != null) {
            listenerDroppedAtPreviousBeat = listenerDroppedTotal;
            listenerDroppedTotal = h.listenerEventsDropped();
        }
    }

    private void terminated(Termination t, String endRunId, long at) {
        if (endRunId.equals(endedRunId)) {
            return; // the same termination, delivered again
        }
        runId = endRunId;
        endedRunId = endRunId;
        endedAtMillis = at;
        boolean failed = t.outcome() == Termination.Outcome.FAILED;
        ended = t.outcome().wireName();
        // The first line: Spark appends the whole query plan to a streaming failure's message.
        exceptionMessage = failed && t.exceptionMessage() != null
                ? t.exceptionMessage().strip().lines().findFirst().orElse("") : "";
        errorClass = failed && t.errorClassOnException() != null ? t.errorClassOnException() : "";
        consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
        triggerActive = false;
    }

    /** The query's status at {@code now} (the exporter's clock), as rules see it, judging liveness. */
    public QueryStatus status(Instant now, StatusPolicy policy) {
        return status(now, policy, true);
    }

    /**
     * The query's status at {@code now} (the exporter's clock). With {@code judgeSilence} false the
     * query is never {@code driver_lost} nor {@code stalled}: the caller has not yet heard everything
     * that was sent (it is catching up on a backlog after a start or a takeover), so a silence may
     * only be events it has not read yet.
     */
    public QueryStatus status(Instant now, StatusPolicy policy, boolean judgeSilence) {
        if (ended != null) {
            return "failed".equals(ended) ? QueryStatus.FAILED : QueryStatus.STOPPED;
        }
        long nowMillis = now.toEpochMilli();
        long heard = heard(lastHeardAtMillis, lastSeenAtMillis);
        if (judgeSilence && heard >= 0 && nowMillis - heard > driverLostAfterMillis(policy)) {
            return QueryStatus.DRIVER_LOST;
        }
        long idleHeard = heard(lastIdleHeardAtMillis, lastIdleAtMillis);
        boolean recentlyIdle = lastIdleAtMillis >= 0 && lastIdleAtMillis >= lastProgressAtMillis
                && nowMillis - idleHeard <= policy.idleMemory().toMillis();
        if (recentlyIdle || (!dataAvailable && !triggerActive)) {
            return QueryStatus.IDLE;
        }
        // Stalled counts from the last sign that the trigger was fine: a progress, an idle event (Spark
        // found no data), or the start. Counting from the last progress alone made a long idle spell
        // look like a stall the moment the next batch began.
        long lastFine = Math.max(Math.max(heard(lastProgressHeardAtMillis, lastProgressAtMillis), idleHeard),
                heard(startedHeardAtMillis, startedAtMillis));
        long since = nowMillis - lastFine;
        double triggerMillis = Double.isNaN(triggerIntervalMs) ? 0 : triggerIntervalMs;
        if (judgeSilence && triggerActive && since > policy.stalledAfter().toMillis() && since > policy.stalledTriggers() * triggerMillis) {
            return QueryStatus.STALLED;
        }
        return QueryStatus.ACTIVE;
    }

    /**
     * How long a running query may be silent before its driver counts as lost: {@code driver_lost_after},
     * or {@link StatusPolicy#HEARTBEATS_BEFORE_LOST} of the listener's own heartbeat intervals if its
     * heartbeats say it beats more slowly than that allows (a listener set to beat every 30 s would
     * otherwise be called lost after one late beat).
     */
    long driverLostAfterMillis(StatusPolicy policy) {
        long configured = policy.driverLostAfter().toMillis();
        return Double.isNaN(heartbeatIntervalMs) ? configured
                : Math.max(configured, (long) (StatusPolicy.HEARTBEATS_BEFORE_LOST * heartbeatIntervalMs));
    }

    /** When the exporter last heard of this query, on its own clock (for forgetting it). */
    public long lastHeardAtMillis() {
        return heard(lastHeardAtMillis, lastSeenAtMillis);
    }

    /** A moment on the exporter's clock, or (records saved before it was kept) on the driver's. */
    private static long heard(long heardAtMillis, long eventAtMillis) {
        return heardAtMillis >= 0 ? heardAtMillis : eventAtMillis;
    }

    /** Everything a rule can test, at {@code now}. */
    public Signals signals(Instant now, StatusPolicy policy) {
        return signals(now, policy, true);
    }

    /** Everything a rule can test, at {@code now}; {@code judgeSilence} as in {@link #status(Instant, StatusPolicy, boolean)}. */
    public Signals signals(Instant now, StatusPolicy policy, boolean judgeSilence) {
        long nowMillis = now.toEpochMilli();
        long progressHeard = heard(lastProgressHeardAtMillis, lastProgressAtMillis);
        long heartbeatHeard = heard(lastHeartbeatHeardAtMillis, lastHeartbeatAtMillis);
        double input = mean(window, Sample::inputRate);
        double processed = mean(window, Sample::processedRate);
        double behind = recordsBehind;
        return new Signals(job, queryId, queryName, runId, tags, status(now, policy, judgeSilence),
                input, processed, input > 0 ? processed / input : Double.NaN,
                batchDurationMs / 1000.0,
                triggerIntervalMs / 1000.0,
                behind,
                perMinute(window, Sample::recordsBehind),
                timeBehindSeconds(behind, processed),
                watermarkDelayMs / 1000.0,
                stateRows, stateMemoryBytes,
                perMinute(window, Sample::stateMemoryBytes),
                perMinute(window, Sample::stateRows),
                progressHeard < 0 ? Double.NaN : Math.max(0, nowMillis - progressHeard) / 1000.0,
                heartbeatHeard < 0 ? Double.NaN : Math.max(0, nowMillis - heartbeatHeard) / 1000.0,
                consecutiveFailures, triggerActive, dataAvailable, exceptionMessage, errorClass,
                Double.isNaN(listenerDroppedAtPreviousBeat) ? 0 : Math.max(0, listenerDroppedTotal - listenerDroppedAtPreviousBeat),
                sources == null ? List.of() : sources);
    }

    /**
     * How long the backlog takes at the current rate: 0 with no backlog, +Inf when records are behind
     * and nothing is being processed (a stuck query is infinitely far behind, so a rule's time
     * threshold fires on it), NaN when either figure is unknown.
     */
    static double timeBehindSeconds(double recordsBehind, double processingRate) {
        if (Double.isNaN(recordsBehind) || Double.isNaN(processingRate)) {
            return recordsBehind == 0 ? 0 : Double.NaN;
        }
        if (recordsBehind == 0) {
            return 0;
        }
        return processingRate > 0 ? recordsBehind / processingRate : Double.POSITIVE_INFINITY;
    }

    private static double mean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        double sum = 0;
        int n = 0;
        for (Sample s : samples) {
            double v = f.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Slope between the oldest and newest sample of the window, per minute; NaN under 10 s of history. */
    private static double perMinute(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        long span = last.atMillis() - first.atMillis();
        double a = f.applyAsDouble(first);
        double b = f.applyAsDouble(last);
        if (span < 10_000 || Double.isNaN(a) || Double.isNaN(b)) {
            return Double.NaN;
        }
        return (b - a) / span * 60_000.0;
    }

    private static double orNaN(Long value) {
        return value == null ? Double.NaN : value;
    }
}
