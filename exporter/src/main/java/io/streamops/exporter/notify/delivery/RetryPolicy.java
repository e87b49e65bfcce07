package io.streamops.exporter.notify.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to try a failed delivery again, and when to give up: exponential back-off as data.
 *
 * <p>The n-th retry waits {@code initialDelay * multiplier^(n-1)}, at most {@code maxDelay}. A delay
 * the server asked for (Retry-After) is honoured when longer, still capped at {@code maxDelay}. The
 * delivery is given up after {@code maxAttempts} attempts, or when the next attempt would come later
 * than {@code maxAge} after the notification was first queued.
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, double multiplier, int maxAttempts, Duration maxAge) {

    /**
     * 5 s, 10 s, 20 s ... up to 5 min between attempts, for a day: a channel that is down over a night
     * still gets its pages and resolves once it is back. A receiver's {@code give_up_after} changes the
     * day. No cap on attempts: the age is the limit, so a longer give_up_after really is longer.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(
            Duration.ofSeconds(5), Duration.ofMinutes(5), 2.0, Integer.MAX_VALUE, Duration.ofDays(1));

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxAge, "maxAge");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative");
        }
    }

    /** This policy, giving up {@code newMaxAge} after a notification was first queued. */
    public RetryPolicy withMaxAge(Duration newMaxAge) {
        return new RetryPolicy(initialDelay, maxDelay, multiplier, maxAttempts, newMaxAge);
    }

    /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first failure). */
    public Duration delayAfter(int failedAttempts, Optional<Duration> serverDelay) {
        double factor = Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        double millis = Math.min(initialDelay.toMillis() * factor, maxDelay.toMillis()); // no overflow: capped as a double
        Duration backoff = Duration.ofMillis((long) millis);
        Duration wanted = serverDelay.filter(d -> d.compareTo(backoff) > 0).orElse(backoff);
        return wanted.compareTo(maxDelay) > 0 ? maxDelay : wanted;
    }

    /** Whether a delivery that has failed {@code attempts} times, first queued at {@code firstQueuedAt}, is given up rather than tried at {@code nextAttemptAt}. */
    public boolean givesUp(int attempts, Instant firstQueuedAt, Instant nextAttemptAt) {
        return attempts >= maxAttempts || nextAttemptAt.isAfter(firstQueuedAt.plus(maxAge));
    }
}
