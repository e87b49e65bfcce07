package io.streamops.exporter.notify.http;

import io.streamops.exporter.notify.DeliveryOutcome;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HttpOutcomesTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void classifiesStatuses() {
        for (int delivered : new int[]{200, 201, 202, 204}) {
            assertThat(HttpOutcomes.forStatus(delivered, Optional.empty(), "", clock)).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        for (int temporary : new int[]{408, 425, 429, 500, 502, 503, 504}) {
            assertThat(HttpOutcomes.forStatus(temporary, Optional.empty(), "", clock)).as("" + temporary)
                    .isInstanceOf(DeliveryOutcome.RetryLater.class);
        }
        for (int permanent : new int[]{301, 400, 401, 403, 404, 413, 422}) {
            assertThat(HttpOutcomes.forStatus(permanent, Optional.empty(), "", clock)).as("" + permanent)
                    .isInstanceOf(DeliveryOutcome.Rejected.class);
        }
    }

    @Test
    void readsRetryAfterInBothForms() {
        assertThat(HttpOutcomes.parseRetryAfter("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(HttpOutcomes.parseRetryAfter("Sun, 01 Mar 2026 10:01:30 GMT", clock)).contains(Duration.ofSeconds(90));
        assertThat(HttpOutcomes.parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(HttpOutcomes.parseRetryAfter("soon", clock)).isEmpty();
        assertThat(HttpOutcomes.parseRetryAfter("", clock)).isEmpty();

        DeliveryOutcome outcome = HttpOutcomes.forStatus(429, Optional.of("3"), "slow down", clock);
        assertThat(outcome).isEqualTo(DeliveryOutcome.retryLater("HTTP 429: slow down", Optional.of(Duration.ofSeconds(3))));
    }
}
