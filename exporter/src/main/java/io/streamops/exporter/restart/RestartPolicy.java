package io.streamops.exporter.restart;

import java.time.Duration;
import java.util.Objects;

/**
 * How a job is brought back, as data (one per restart target, else {@link #DEFAULT}).
 *
 * <p>The n-th consecutive attempt waits {@code initialBackoff * multiplier^(n-1)}, at most {@code maxBackoff},
 * spread by up to {@code jitter} (a fraction) either way, so a fleet that failed together does not come
 * back together; the spread never takes a wait past {@code maxBackoff}, the longest an operator was
 * promised a job stays down between attempts. At most {@code maxAttempts} attempts are made within any {@code window}; the next
 * failure gives up (one RestartsExhausted page) until an operator resets. An attempt whose query has not
 * reported progress {@code progressDeadline} after it was made counts as failed. Once the restarted query
 * has been healthy (making progress, no failure) for {@code resetAfter}, the count and the back-off start
 * over.
 */
public record RestartPolicy(
        int maxAttempts,
        Duration window,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        double jitter,
        Duration resetAfter,
        Duration progressDeadline) {

    /**
     * The defaults, against what the platforms do for their own jobs:
     * <ul>
     * <li>initial back-off 1 s, x2, jitter 0.1: Flink's exponential-delay strategy starts at 1 s with
     *     jitter 0.1 (x1.5). The first restart must be quick: a query that threw once is back within
     *     seconds, well inside Databricks' "next run within 60 s".</li>
     * <li>cap 1 min: Flink's maximum back-off; the Apache Spark Kubernetes operator waits a fixed 30 s.</li>
     * <li>5 attempts within 1 h: the Kubernetes operator stops after 3 ({@code maxRestartAttempts}),
     *     Databricks and Flink never stop. We page when we stop, and stalls count as failures too, so a
     *     few more than 3; never unbounded, because a job that fails at every start needs a person.</li>
     * <li>reset after 1 h healthy: Flink's {@code reset-backoff-threshold}.</li>
     * <li>progress deadline 5 min: spark-submit, scheduling executors and the first micro-batch take a
     *     minute or two on a busy cluster; a restarted query silent for 5 min is not coming back.</li>
     * </ul>
     */
    public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofHours(1), Duration.ofSeconds(1),
            Duration.ofMinutes(1), 2.0, 0.1, Duration.ofHours(1), Duration.ofMinutes(5));

    public RestartPolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(resetAfter, "resetAfter");
        Objects.requireNonNull(progressDeadline, "progressDeadline");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be longer than 0s");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0s <= initial_backoff <= max_backoff");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a number of at least 1");
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be at least 0 and less than 1");
        }
        if (resetAfter.isNegative() || resetAfter.isZero() || progressDeadline.isNegative() || progressDeadline.isZero()) {
            throw new IllegalArgumentException("reset_after and progress_deadline must be longer than 0s");
        }
    }

    /**
     * The wait before consecutive attempt {@code attempt} (1 for the first).
     *
     * @param spread a number in [-1, 1]: where in the jitter band this wait falls
     */
    public Duration backoffBefore(int attempt, double spread) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double cap = maxBackoff.toMillis();
        double capped = Math.min(base, cap);
        double jittered = capped * (1.0 + jitter * Math.max(-1.0, Math.min(1.0, spread)));
        // Past the cap the wait is folded back under it (cap - excess), not cut at it: waits at the cap
        // still spread (downwards) instead of a fleet's worth of them landing on the cap together.
        double folded = jittered > cap ? 2 * cap - jittered : jittered;
        return Duration.ofMillis(Math.round(Math.max(0.0, folded)));
    }
}
