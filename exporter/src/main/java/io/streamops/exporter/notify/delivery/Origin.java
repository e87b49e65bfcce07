package io.streamops.exporter.notify.delivery;

import java.util.Objects;

/**
 * An alerts-topic record a queued notification was made from, or, with {@link #REPEAT} as offset, the
 * partition of an alert it repeats. What lets the router give a notification back to the next owner of
 * its partition instead of keeping it in this instance's data_dir ({@link DeliveryQueue#handBack}).
 */
public record Origin(String topic, int partition, long offset) {
    /** The offset of a repeat: no record of its own, the next owner of the partition repeats the alert itself. */
    public static final long REPEAT = -1;

    public Origin {
        Objects.requireNonNull(topic, "topic");
    }

    boolean isRecord() {
        return offset != REPEAT;
    }
}
