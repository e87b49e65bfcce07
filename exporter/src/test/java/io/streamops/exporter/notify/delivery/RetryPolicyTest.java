package io.streamops.exporter.notify.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(1), 2.0, 6, Duration.ofHours(1));

    @Test
    void backsOffExponentiallyUpToTheMaximum() {
        assertThat(policy.delayAfter(1, Optional.empty())).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(2, Optional.empty())).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayAfter(3, Optional.empty())).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.delayAfter(4, Optional.empty())).isEqualTo(Duration.ofSeconds(40));
        assertThat(policy.delayAfter(5, Optional.empty())).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.delayAfter(5000, Optional.empty())).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void honoursALongerServerDelayWithinTheMaximum() {
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delayAfter(3, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(2)))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void givesUpOnAttemptsOrAge() {
        Instant queued = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(policy.givesUp(5, queued, queued.plusSeconds(60))).isFalse();
        assertThat(policy.givesUp(6, queued, queued.plusSeconds(60))).isTrue();
        assertThat(policy.givesUp(1, queued, queued.plus(Duration.ofHours(1)))).isFalse();
        assertThat(policy.givesUp(1, queued, queued.plus(Duration.ofHours(1)).plusMillis(1))).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 0.5, 3, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), Double.NaN, 3, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 2, 0, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultGivesUpOnAgeAloneHoweverLongTheReceiverSays() {
        Instant queued = Instant.parse("2026-11-21T10:00:00Z");
        RetryPolicy week = RetryPolicy.DEFAULT.withMaxAge(Duration.ofDays(7));
        // At the 5 min cap, 6.9 days is about 2,000 attempts: still retried.
        assertThat(week.givesUp(2_000, queued, queued.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(5)))).isFalse();
        assertThat(week.givesUp(2_000, queued, queued.plus(Duration.ofDays(7)).plusMillis(1))).isTrue();
        assertThat(RetryPolicy.DEFAULT.givesUp(100, queued, queued.plus(Duration.ofHours(23)))).isFalse();
    }
}
