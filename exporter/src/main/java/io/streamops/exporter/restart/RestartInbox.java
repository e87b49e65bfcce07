package io.streamops.exporter.restart;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What reached this instance about jobs' restarts from other threads (a launcher's exit, a restarter's
 * failure, the job's query making progress, an operator's command read from the commands topic), held
 * until the router's thread, the one that knows which jobs this instance owns, takes it. Only the owner
 * of a job acts on it: news about a job owned elsewhere is dropped (its owner learns it itself), except a
 * command, which is kept a while in case the job comes to this instance before its owner acted on it.
 */
public final class RestartInbox {
    private static final Logger LOG = LoggerFactory.getLogger(RestartInbox.class);
    /** Far more than a fleet sends between two router passes; past it the oldest news goes, with a warning. */
    static final int CAPACITY = 10_000;

    /**
     * One observation about a job.
     *
     * @param keepUntil for a command: how long to keep it while another instance owns the job; null: drop then
     */
    public record Item(RestartSubject subject, Observation observation, Instant keepUntil) {
    }

    private final ConcurrentLinkedQueue<Item> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    /** News from this instance's own work: acted on only if this instance owns the job when it is taken. */
    public void offer(RestartSubject subject, Observation observation) {
        add(new Item(subject, observation, null));
    }

    /** A command: kept until {@code keepUntil} while the job is owned elsewhere. */
    public void offerUntilOwned(RestartSubject subject, Observation observation, Instant keepUntil) {
        add(new Item(subject, observation, keepUntil));
    }

    private void add(Item item) {
        items.add(item);
        if (size.incrementAndGet() > CAPACITY && items.poll() != null) {
            size.decrementAndGet();
            LOG.warn("restart inbox full ({} items): dropped its oldest", CAPACITY);
        }
    }

    /**
     * Takes, in arrival order, what is about jobs {@code owns} says this instance owns; drops the rest, except
     * commands not yet expired, which stay. Call on the thread that knows ownership.
     */
    public List<Item> take(Predicate<String> owns, Instant now) {
        List<Item> out = new ArrayList<>();
        List<Item> kept = new ArrayList<>();
        for (Item item = items.poll(); item != null; item = items.poll()) {
            size.decrementAndGet();
            if (owns.test(item.subject().job())) {
                out.add(item);
            } else if (item.keepUntil() != null && now.isBefore(item.keepUntil())) {
                kept.add(item);
            } else {
                dropped.incrementAndGet();
            }
        }
        kept.forEach(this::add);
        return out;
    }

    /** How many items {@link #take} dropped because the job was owned elsewhere: what shows that news was not acted on. */
    public long dropped() {
        return dropped.get();
    }
}
