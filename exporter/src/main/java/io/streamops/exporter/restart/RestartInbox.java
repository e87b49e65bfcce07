package io.streamops.exporter.restart;

import io.streamops.exporter.support.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * What reached this instance about jobs' restarts from other threads (a launcher's exit, a restarter's
 * failure, the job's query making progress, an operator's command read from the commands topic), held
 * until the router's thread, the one that knows which jobs this instance owns, takes it. Only the owner
 * of a job acts on it: news about a job owned elsewhere is dropped (its owner learns it itself), except a
 * command, which is kept a while in case the job comes to this instance before its owner acted on it.
 *
 * <p>Progress is telemetry: a query reports it at every trigger, so the next report stands in for a lost
 * one, and a fleet's worth of it may arrive between two router passes. It alone is bounded
 * ({@link #PROGRESS_CAPACITY}, past it the oldest goes, counted and logged). Everything else (alerts,
 * commands, launchers' exits, failed launches, clean stops) is one-off news a restart depends on and is
 * never dropped for space: it comes one per incident, attempt or request, so it stays small. Blocking its
 * senders instead is no option: the router's thread, which drains the inbox, is one of them.
 */
public final class RestartInbox {
    private static final Logger LOG = LoggerFactory.getLogger(RestartInbox.class);
    /** Far more progress than a fleet sends between two router passes; past it the oldest progress goes. */
    static final int PROGRESS_CAPACITY = 10_000;

    /**
     * One observation about a job.
     *
     * @param keepUntil for a command: how long to keep it while another instance owns the job; null: drop then
     */
    public record Item(RestartSubject subject, Observation observation, Instant keepUntil) {
    }

    /** An item and its place in arrival order, across both queues. */
    private record Queued(long order, Item item) {
    }

    private final LogLimiter overflowWarnings = new LogLimiter(LOG);
    private final Deque<Queued> progress = new ArrayDeque<>();
    private final Deque<Queued> news = new ArrayDeque<>();
    private long arrivals;
    private long dropped;
    private long progressDropped;

    /** News from this instance's own work: acted on only if this instance owns the job when it is taken. */
    public void offer(RestartSubject subject, Observation observation) {
        add(new Item(subject, observation, null));
    }

    /** A command: kept until {@code keepUntil} while the job is owned elsewhere. */
    public void offerUntilOwned(RestartSubject subject, Observation observation, Instant keepUntil) {
        add(new Item(subject, observation, keepUntil));
    }

    private synchronized void add(Item item) {
        Queued queued = new Queued(arrivals++, item);
        if (!(item.observation() instanceof Observation.ProgressMade)) {
            news.add(queued);
            return;
        }
        progress.add(queued);
        if (progress.size() > PROGRESS_CAPACITY) {
            progress.poll();
            progressDropped++;
            overflowWarnings.warn(null, "restart inbox: over {} progress reports wait; dropped the oldest ({} so far)",
                    PROGRESS_CAPACITY, progressDropped);
        }
    }

    /**
     * Takes, in arrival order, what is about jobs {@code owns} says this instance owns; drops the rest, except
     * commands not yet expired, which stay. Call on the thread that knows ownership.
     */
    public List<Item> take(Predicate<String> owns, Instant now) {
        List<Queued> all;
        synchronized (this) {
            all = new ArrayList<>(news.size() + progress.size());
            all.addAll(news);
            all.addAll(progress);
            news.clear();
            progress.clear();
        }
        all.sort(Comparator.comparingLong(Queued::order));
        List<Item> out = new ArrayList<>();
        List<Queued> kept = new ArrayList<>();
        long notOwned = 0;
        for (Queued queued : all) {
            Item item = queued.item();
            if (owns.test(item.subject().job())) {
                out.add(item);
            } else if (item.keepUntil() != null && now.isBefore(item.keepUntil())) {
                kept.add(queued);
            } else {
                notOwned++;
            }
        }
        synchronized (this) {
            dropped += notOwned;
            // Kept commands go back before what arrived meanwhile: their place in arrival order stays.
            for (int i = kept.size() - 1; i >= 0; i--) {
                news.addFirst(kept.get(i));
            }
        }
        return out;
    }

    /** How many items {@link #take} dropped because the job was owned elsewhere: what shows that news was not acted on. */
    public synchronized long dropped() {
        return dropped;
    }

    /** How many progress reports went because over {@link #PROGRESS_CAPACITY} waited. */
    public synchronized long progressDropped() {
        return progressDropped;
    }
}
