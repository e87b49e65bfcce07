package io.streamops.exporter.streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a timestamp the broker stamped says when an event arrived; the type is checked record by record. */
class HeardTimeExtractorTest {
    private static ConsumerRecord<Object, Object> record(TimestampType type, long timestamp) {
        return new ConsumerRecord<>("events", 0, 7, timestamp, type, 0, 0, "q-1", new byte[0], new RecordHeaders(),
                Optional.empty());
    }

    @Test
    void aBrokerAppendTimeIsMarkedAndAProducersTimeIsNot() {
        ConsumerRecord<Object, Object> appended = record(TimestampType.LOG_APPEND_TIME, 1_000);
        ConsumerRecord<Object, Object> created = record(TimestampType.CREATE_TIME, 2_000);
        HeardTimeExtractor extractor = new HeardTimeExtractor();
        assertThat(extractor.extract(appended, 500)).isEqualTo(1_000);
        assertThat(extractor.extract(created, 1_000)).isEqualTo(2_000);
        assertThat(HeardTimeExtractor.appendedByBroker(appended.headers())).isTrue();
        assertThat(HeardTimeExtractor.appendedByBroker(created.headers())).as("the driver's clock, never trusted").isFalse();
    }

    @Test
    void aRecordWithoutATimestampIsKeptOnThePartitionsTime() {
        assertThat(new HeardTimeExtractor().extract(record(TimestampType.NO_TIMESTAMP_TYPE, -1), 5_000)).isEqualTo(5_000);
        assertThat(new HeardTimeExtractor().extract(record(TimestampType.NO_TIMESTAMP_TYPE, -1), -1)).isZero();
    }
}
