package io.streamops.exporter.streams;

import org.apache.kafka.common.TopicPartition;

import java.util.concurrent.CompletableFuture;

/**
 * What a task must read before it may judge silence: its input partition's end offset, and how far its
 * consumer group has committed. Asked once when a task starts (a restart or a takeover), and again now
 * and then until the task has caught up (see {@link CatchUp}). Implementations answer asynchronously:
 * the stream thread never waits on them.
 */
interface Backlog extends AutoCloseable {
    /** The partition's end offset now, as a reader of committed records sees it. */
    CompletableFuture<Long> endOffset(TopicPartition partition);

    /** The offset the application's consumer group has committed for the partition (0 if none). */
    CompletableFuture<Long> committedOffset(TopicPartition partition);

    @Override
    void close();

    /** A backlog nobody can tell: every answer fails with {@code why}, so {@link CatchUp} falls back on time. */
    static Backlog unknown(RuntimeException why) {
        return new Backlog() {
            @Override
            public CompletableFuture<Long> endOffset(TopicPartition partition) {
                return CompletableFuture.failedFuture(why);
            }

            @Override
            public CompletableFuture<Long> committedOffset(TopicPartition partition) {
                return CompletableFuture.failedFuture(why);
            }

            @Override
            public void close() {
            }
        };
    }
}
