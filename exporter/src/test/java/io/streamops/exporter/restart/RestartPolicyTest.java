package io.streamops.exporter.restart;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {

    /** The random the controller uses, seeded: every spread in [-1, 1) it could draw, many times over. */
    @Test
    void jitteredWaitsNeverExceedTheCapAndStillSpreadThere() {
        RestartPolicy policy = RestartPolicy.DEFAULT; // 1 s x2, cap 1 min, jitter 0.1
        Random random = new Random(42);
        Set<Long> atCap = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            int attempt = 1 + random.nextInt(12); // 1 s .. 2048 s before the cap
            double spread = random.nextDouble(-1, 1);
            Duration wait = policy.backoffBefore(attempt, spread);
            double unjittered = Math.min(Math.pow(2, attempt - 1), 60) * 1000;
            assertThat(wait).as("attempt %d, spread %f", attempt, spread).isLessThanOrEqualTo(Duration.ofMinutes(1));
            assertThat((double) wait.toMillis()).as("attempt %d, spread %f", attempt, spread)
                    .isBetween(unjittered * 0.9 - 1, unjittered * 1.1 + 1);
            if (attempt >= 7) {
                atCap.add(wait.toSeconds());
            }
        }
        assertThat(atCap).as("waits at the cap still spread over 54..60 s").contains(54L, 57L, 59L);
    }

    @Test
    void jitterPastTheCapFoldsBackUnderIt() {
        RestartPolicy policy = RestartPolicy.DEFAULT;
        assertThat(policy.backoffBefore(30, 1)).isEqualTo(Duration.ofSeconds(54));
        assertThat(policy.backoffBefore(30, 0.5)).isEqualTo(Duration.ofSeconds(57));
        assertThat(policy.backoffBefore(30, -0.5)).isEqualTo(Duration.ofSeconds(57));
        assertThat(policy.backoffBefore(6, 1)).as("32 s +10 % is under the cap").isEqualTo(Duration.ofMillis(35_200));
    }
}
