package io.streamops.exporter.query;

import java.time.Duration;

/**
 * How often the topology evaluates rules and saves what progress taught it; data, not code.
 *
 * <p>Lifecycle events ({@link io.streamops.events.EventType#isLifecycle()}: started, terminated) and the
 * first event of a new run are evaluated and saved at once:
 * a failure pages within the second, and a run's start or end is never lost with an instance.
 * Everything else (progress, idle, heartbeat) changes numbers that rules read through windows and
 * {@code for} durations, so it is evaluated by the next wall-clock pass; a record that only progress
 * changed is saved by the first pass at least {@code saveProgressEvery} after its previous save, and at
 * once whenever its alert state changes. Saving a query's record after every progress event cost more
 * than all the rest of the exporter put together (the whole record, its window of samples included,
 * serialised, written to RocksDB and sent to the changelog, which the broker then ingests; see
 * BENCHMARKS.md). The price: when an instance is lost or its partitions move to another instance, the
 * new owner's record of a query can miss up to {@code saveProgressEvery} (plus one pass) of progress
 * samples; its runs, failures and alert state are exact, because those are saved as they change.
 *
 * @param evaluateEvery     the wall-clock pass over every query this instance owns
 * @param saveProgressEvery how long progress may wait to be saved (checked by each pass)
 */
public record QueryCadence(Duration evaluateEvery, Duration saveProgressEvery) {
    public static final QueryCadence DEFAULT = new QueryCadence(Duration.ofSeconds(1), Duration.ofSeconds(10));

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
