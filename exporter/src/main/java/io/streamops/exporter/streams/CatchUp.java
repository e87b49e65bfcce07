package io.streamops.exporter.streams;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a task has read what its input partition held a few seconds ago, so that a silence it sees is
 * the driver's and not its own lag. After a restart, a deploy or a takeover the saved records are as old
 * as the downtime, and judging them before the backlog was read called every query lost (seen: 25 false
 * DriverLost pages after 120 s down); an instance that falls behind its partition later is in the same
 * position. So every {@link #ASK_EVERY_MILLIS} the task asks the broker for its partition's end offset
 * (and its group's committed offset), and judges silence (driver lost, stalled) only while it has reached
 * an end offset asked for at most {@link #MAX_STALENESS_MILLIS} ago: it processed the record before it,
 * or the group committed past it (a partition with nothing new, or ending in records that are never
 * delivered, such as transaction markers).
 *
 * <p>If the broker never answers (the admin client fails), the task judges again {@code giveUpAfterMillis}
 * after it started, as before this existed, and says so in the log.
 */
final class CatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
    /** How often the broker is asked for the end and committed offsets. */
    static final long ASK_EVERY_MILLIS = 5_000;
    /** Silence is judged only if everything the partition held this long ago has been read. */
    static final long MAX_STALENESS_MILLIS = 15_000;

    private record Target(long askedAtMillis, long endOffset) {
    }

    private final Backlog backlog;
    private final TopicPartition partition;
    private final long startedAtMillis;
    private final long giveUpAfterMillis;
    private final Deque<Target> targets = new ArrayDeque<>();
    private CompletableFuture<Long> end;
    private CompletableFuture<Long> committed;
    private long askedAtMillis;
    private long lastProcessed = -1;
    private long committedOffset = -1;
    private long reachedAskedAtMillis = Long.MIN_VALUE;
    private boolean everAnswered;
    private boolean judging;
    private boolean gaveUp;

    CatchUp(Backlog backlog, TopicPartition partition, long startedAtMillis, long giveUpAfterMillis) {
        this.backlog = backlog;
        this.partition = partition;
        this.startedAtMillis = startedAtMillis;
        this.giveUpAfterMillis = giveUpAfterMillis;
        ask(startedAtMillis);
    }

    /** The task processed the record at {@code offset} of its partition. */
    void processed(long offset) {
        lastProcessed = Math.max(lastProcessed, offset);
    }

    /** Whether silence may be judged at {@code nowMillis} (the task's wall clock). Never blocks. */
    boolean caughtUp(long nowMillis) {
        if (gaveUp) {
            return true;
        }
        collect();
        reach();
        boolean now = reachedAskedAtMillis >= nowMillis - MAX_STALENESS_MILLIS;
        if (!everAnswered && nowMillis - startedAtMillis >= giveUpAfterMillis && (end.isCompletedExceptionally()
                || committed.isCompletedExceptionally())) {
            LOG.warn("{}: could not learn the backlog from the broker ({}); judging silence again {} ms after the start",
                    partition, failure(), nowMillis - startedAtMillis);
            gaveUp = true;
            return true;
        }
        if (nowMillis - askedAtMillis >= ASK_EVERY_MILLIS && end.isDone() && committed.isDone()) {
            ask(nowMillis);
            collect();
            reach();
            now = reachedAskedAtMillis >= nowMillis - MAX_STALENESS_MILLIS;
        }
        if (now != judging) {
            judging = now;
            if (now) {
                LOG.info("{}: has read its partition up to offset {}; judging silence", partition, Math.max(lastProcessed + 1, committedOffset));
            } else {
                LOG.info("{}: behind its partition (read up to {}, the end was {}): not judging silence until it catches up",
                        partition, Math.max(lastProcessed + 1, committedOffset), targets.isEmpty() ? "unknown" : targets.peekLast().endOffset());
            }
        }
        return now;
    }

    private void ask(long nowMillis) {
        askedAtMillis = nowMillis;
        end = backlog.endOffset(partition);
        committed = backlog.committedOffset(partition);
    }

    /** Takes in the broker's answers, once they are there. */
    private void collect() {
        if (end.isDone() && !end.isCompletedExceptionally()) {
            long e = end.join();
            if (targets.isEmpty() || targets.peekLast().askedAtMillis() != askedAtMillis) {
                targets.addLast(new Target(askedAtMillis, e));
                everAnswered = true;
            }
        }
        if (committed.isDone() && !committed.isCompletedExceptionally()) {
            committedOffset = Math.max(committedOffset, committed.join());
        }
    }

    /**
     * Drops the end offsets already reached, and every one asked for before the newest of them (an end
     * offset that went down, the partition re-created, is not waited for), remembering when it was asked.
     */
    private void reach() {
        Target newestReached = null;
        for (Target t : targets) {
            if (t.endOffset() <= 0 || lastProcessed >= t.endOffset() - 1 || committedOffset >= t.endOffset()) {
                newestReached = t;
            }
        }
        if (newestReached != null) {
            reachedAskedAtMillis = Math.max(reachedAskedAtMillis, newestReached.askedAtMillis());
            while (targets.peekFirst() != newestReached) {
                targets.removeFirst();
            }
            targets.removeFirst();
        }
    }

    /** Stops asking the broker (the task is closing). */
    void close() {
        backlog.close();
    }

    private String failure() {
        CompletableFuture<Long> failed = end.isCompletedExceptionally() ? end : committed;
        try {
            failed.join();
            return "no answer";
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        }
    }
}
