package io.streamops.exporter.streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Decides, record by record, whether an event's record timestamp says when it arrived: only if the
 * broker stamped it ({@link TimestampType#LOG_APPEND_TIME}). A record stamped by its producer (the
 * listener sets the driver's clock; records written before the topic was switched, or after it was
 * switched back to {@code CreateTime}) carries the driver's clock, which is never used to judge silence:
 * such an event is heard when this instance processes it. The verdict travels with the record as a
 * header, because a processor sees the timestamp but not its type.
 */
public final class HeardTimeExtractor implements TimestampExtractor {
    /** Present on a record whose timestamp is the broker's append time. */
    static final String APPENDED_BY_BROKER = "streamops.appended-by-broker";

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestampType() == TimestampType.LOG_APPEND_TIME) {
            markAppendedByBroker(record.headers());
        }
        // Kafka Streams drops a record with a negative timestamp: keep it, on the partition's time.
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }

    static void markAppendedByBroker(Headers headers) {
        if (headers.lastHeader(APPENDED_BY_BROKER) == null) {
            headers.add(APPENDED_BY_BROKER, new byte[0]);
        }
    }

    static boolean appendedByBroker(Headers headers) {
        return headers.lastHeader(APPENDED_BY_BROKER) != null;
    }
}
