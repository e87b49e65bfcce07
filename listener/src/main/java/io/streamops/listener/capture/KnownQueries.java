package io.streamops.listener.capture;

import java.util.UUID;

/** What the listener remembers of a query between events: Spark omits the name from idle and terminated. */
public interface KnownQueries {
    /** Null if unnamed or never seen starting. */
    String name(UUID queryId);

    /** Capture time of the last progress, or -1. */
    long lastProgressAtMillis(UUID queryId);

    /** Or -1. */
    long lastBatchId(UUID queryId);
}
