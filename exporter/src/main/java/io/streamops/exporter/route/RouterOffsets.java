package io.streamops.exporter.route;

import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which alerts-topic offsets the router may commit: those of transitions that have been dispatched.
 * A transition waits in a group for its group_wait; every transition accepted before the oldest group
 * still holding an alert of the same partition began has been dispatched (see {@code AlertRouter#oldestPendingSince}). So a steady
 * stream of alerts, which always leaves some group waiting, still gets committed up to a second or so
 * behind. Single-threaded, like the router loop.
 */
final class RouterOffsets {
    private record Accepted(Instant at, long nextOffset) {
    }

    private final Map<TopicPartition, ArrayDeque<Accepted>> waiting = new HashMap<>();
    private final Map<TopicPartition, Long> dispatchedUpTo = new HashMap<>();
    private final Map<TopicPartition, Long> committedUpTo = new HashMap<>();

    /** The group's committed position when a partition is assigned. */
    void assigned(TopicPartition tp, long committed) {
        committedUpTo.put(tp, committed);
    }

    void revoked(TopicPartition tp) {
        waiting.remove(tp);
        dispatchedUpTo.remove(tp);
        committedUpTo.remove(tp);
    }

    /** The transition at {@code nextOffset - 1} went into the router at {@code at}. */
    void accepted(TopicPartition tp, Instant at, long nextOffset) {
        waiting.computeIfAbsent(tp, p -> new ArrayDeque<>()).add(new Accepted(at, nextOffset));
    }

    /**
     * What to commit now, given when the oldest group still holding an alert of each partition began;
     * empty when nothing moved.
     */
    Map<TopicPartition, Long> toCommit(Function<TopicPartition, Optional<Instant>> oldestWaiting) {
        waiting.forEach((tp, accepted) -> {
            Optional<Instant> oldest = oldestWaiting.apply(tp);
            while (!accepted.isEmpty() && (oldest.isEmpty() || accepted.peekFirst().at().isBefore(oldest.get()))) {
                dispatchedUpTo.put(tp, accepted.pollFirst().nextOffset());
            }
        });
        Map<TopicPartition, Long> offsets = new HashMap<>();
        dispatchedUpTo.forEach((tp, upTo) -> {
            if (!upTo.equals(committedUpTo.get(tp))) {
                offsets.put(tp, upTo);
            }
        });
        return offsets;
    }

    /** The broker took these; they are not sent again. A failed commit is simply asked for again. */
    void committed(Map<TopicPartition, Long> offsets) {
        committedUpTo.putAll(offsets);
    }
}
