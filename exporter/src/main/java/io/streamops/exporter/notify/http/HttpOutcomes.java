package io.streamops.exporter.notify.http;

import io.streamops.exporter.notify.DeliveryOutcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What an HTTP answer means for a notification: 2xx delivered; 408, 425, 429 and 5xx temporary
 * (retry, honouring Retry-After); any other status a permanent rejection (a 400 is a payload the
 * receiver will never accept, a 401/403/404 a configuration that resending cannot fix).
 */
final class HttpOutcomes {
    private HttpOutcomes() {
    }

    static DeliveryOutcome forStatus(int status, Optional<String> retryAfter, String detail, Clock clock) {
        if (status >= 200 && status < 300) {
            return DeliveryOutcome.delivered();
        }
        String reason = "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
        if (isTemporary(status)) {
            return DeliveryOutcome.retryLater(reason, retryAfter.flatMap(value -> parseRetryAfter(value, clock)));
        }
        return DeliveryOutcome.rejected(reason);
    }

    static boolean isTemporary(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** Retry-After as delay-seconds or as an HTTP date (RFC 9110 10.2.3); empty when unreadable. */
    static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        String trimmed = value.trim();
        try {
            if (trimmed.chars().allMatch(Character::isDigit) && !trimmed.isEmpty()) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
            }
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(clock.instant(), at);
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
