package io.streamops.exporter.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one send ended. Reasons are for logs and operators: they never contain secrets (notifiers
 * redact them) and are single lines.
 */
public sealed interface DeliveryOutcome {

    /** The channel accepted the notification. */
    record Delivered() implements DeliveryOutcome {
    }

    /**
     * A temporary failure (network, 429, 5xx, SMTP 4xx): send again later.
     *
     * @param serverDelay how long the server asked us to wait (Retry-After), if it said
     */
    record RetryLater(String reason, Optional<Duration> serverDelay) implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(serverDelay, "serverDelay");
        }
    }

    /** The channel refused the notification for good (HTTP 400, SMTP 5xx): sending it again cannot help. */
    record Rejected(String reason) implements DeliveryOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static Delivered delivered() {
        return new Delivered();
    }

    static RetryLater retryLater(String reason) {
        return new RetryLater(reason, Optional.empty());
    }

    static RetryLater retryLater(String reason, Optional<Duration> serverDelay) {
        return new RetryLater(reason, serverDelay);
    }

    static Rejected rejected(String reason) {
        return new Rejected(reason);
    }
}
