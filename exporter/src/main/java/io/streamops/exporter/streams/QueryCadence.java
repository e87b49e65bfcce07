package io.streamops.exporter.streams;

import io.streamops.events.EventType;

import java.time.Duration;

/**
 * How often the topology evaluates rules and saves what progress taught it; data, not code.
 *
 * <p>Started and terminated events are evaluated and saved at once: a failure pages within the
 * second, and a start or a termination is never lost with an instance. Everything else (progress,
 * idle, heartbeat) changes numbers that rules read through windows and {@code for} durations, so it is
 * evaluated in the next wall-clock pass and saved at most once per {@code saveProgressEvery} per query.
 * Saving a query's record after every progress event cost more than all the rest of the exporter put
 * together (the whole record, its window of samples included, serialised, written to RocksDB and sent
 * to the changelog; see BENCHMARKS.md). The price: after an instance is lost, the query's record on the
 * new owner can miss up to {@code saveProgressEvery} of progress samples; its runs, failures and alert
 * state are exact, because those are saved as they change.
 *
 * @param evaluateEvery     the wall-clock pass over every query this instance owns
 * @param saveProgressEvery the longest a query's progress waits to be saved (a multiple of the pass)
 */
public record QueryCadence(Duration evaluateEvery, Duration saveProgressEvery) {
    public static final QueryCadence DEFAULT = new QueryCadence(Duration.ofSeconds(1), Duration.ofSeconds(10));

    /** Started and terminated: evaluated and saved as they arrive; the other types wait for the pass. */
    public static boolean actsAtOnce(EventType type) {
        return type == EventType.STARTED || type == EventType.TERMINATED;
    }

    public QueryCadence {
        if (evaluateEvery.isNegative() || evaluateEvery.isZero()) {
            throw new IllegalArgumentException("evaluateEvery must be positive: " + evaluateEvery);
        }
        if (saveProgressEvery.compareTo(evaluateEvery) < 0) {
            throw new IllegalArgumentException("saveProgressEvery (" + saveProgressEvery
                    + ") must not be shorter than evaluateEvery (" + evaluateEvery + ")");
        }
    }
}
