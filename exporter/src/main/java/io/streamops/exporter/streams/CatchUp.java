package io.streamops.exporter.streams;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Whether a task has read what was already in its input partition when it started. Until it has, a
 * query that looks silent may only have events this task has not read yet: after a restart, a deploy
 * or a takeover the saved records are as old as the downtime, and judging them before the backlog is
 * read called every query lost (seen: 25 false DriverLost pages after 120 s down). So the task does not
 * judge silence (driver lost, stalled) until it has caught up: it has processed the record before the
 * end offset it found at start, or its group has committed past that offset (the partition was already
 * read, or ends in records that are never delivered, such as transaction markers).
 *
 * <p>If the broker cannot say (the admin client fails), the task judges again {@code giveUpAfterMillis}
 * after it started, as before this existed, and says so in the log.
 */
final class CatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
    /** How often the committed offset is asked again while catching up. */
    static final long RECHECK_MILLIS = 2_000;

    private final Backlog backlog;
    private final TopicPartition partition;
    private final long startedAtMillis;
    private final long giveUpAfterMillis;
    private final CompletableFuture<Long> end;
    private CompletableFuture<Long> committed;
    private long committedAskedAtMillis;
    private long lastProcessed = -1;
    private boolean caughtUp;

    CatchUp(Backlog backlog, TopicPartition partition, long startedAtMillis, long giveUpAfterMillis) {
        this.backlog = backlog;
        this.partition = partition;
        this.startedAtMillis = startedAtMillis;
        this.giveUpAfterMillis = giveUpAfterMillis;
        this.end = backlog.endOffset(partition);
        this.committed = backlog.committedOffset(partition);
        this.committedAskedAtMillis = startedAtMillis;
    }

    /** The task processed the record at {@code offset} of its partition. */
    void processed(long offset) {
        lastProcessed = Math.max(lastProcessed, offset);
    }

    /** Whether silence may be judged at {@code nowMillis} (the task's wall clock). Never blocks. */
    boolean caughtUp(long nowMillis) {
        if (caughtUp) {
            return true;
        }
        if (end.isCompletedExceptionally() || (committed.isCompletedExceptionally() && lastProcessed < 0)) {
            if (nowMillis - startedAtMillis >= giveUpAfterMillis) {
                LOG.warn("{}: could not learn the backlog from the broker ({}); judging silence again {} ms after the start",
                        partition, failure(), nowMillis - startedAtMillis);
                return done();
            }
            return false;
        }
        if (!end.isDone()) {
            return false;
        }
        long endOffset = end.join();
        if (endOffset <= 0 || lastProcessed >= endOffset - 1) {
            return done();
        }
        if (committed.isDone() && !committed.isCompletedExceptionally()) {
            if (committed.join() >= endOffset) {
                return done();
            }
            if (nowMillis - committedAskedAtMillis >= RECHECK_MILLIS) {
                committed = backlog.committedOffset(partition);
                committedAskedAtMillis = nowMillis;
            }
        }
        return false;
    }

    private boolean done() {
        caughtUp = true;
        backlog.close();
        LOG.info("{}: caught up on its backlog (end offset at start {}); judging silence from now", partition,
                end.isDone() && !end.isCompletedExceptionally() ? end.join() : "unknown");
        return true;
    }

    /** Stops asking the broker (the task is closing). */
    void close() {
        if (!caughtUp) {
            backlog.close();
        }
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
