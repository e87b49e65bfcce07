package io.streamops.exporter.route;

import io.streamops.exporter.notify.delivery.Origin;

/**
 * Where an alert transition came from: its alerts-topic partition and offset. A repeat is no record of
 * its own: its offset is {@link #NO_RECORD}, and it holds no offset back from being committed.
 */
public record Source(int partition, long offset) {
    public static final long NO_RECORD = Origin.REPEAT; // as the delivery queue keeps it

    public static Source repeatOn(int partition) {
        return new Source(partition, NO_RECORD);
    }

    boolean isRecord() {
        return offset != NO_RECORD;
    }
}
