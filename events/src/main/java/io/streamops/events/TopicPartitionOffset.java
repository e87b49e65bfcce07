package io.streamops.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Objects;

/**
 * How far one Kafka topic-partition of a source is behind the latest offset the source saw. Its JSON
 * form is an entry of {@code signals.sources[].partitions} in a progress event ({@link SourceLag#fromJson}
 * reads it back).
 */
public final class TopicPartitionOffset {
    private static final String TOPIC = "topic";
    private static final String PARTITION = "partition";
    private static final String END_OFFSET = "endOffset";
    private static final String LATEST_OFFSET = "latestOffset";
    private static final String RECORDS_BEHIND = "recordsBehind";

    private final String topic;
    private final int partition;
    private final long endOffset;
    private final long latestOffset;

    public TopicPartitionOffset(String topic, int partition, long endOffset, long latestOffset) {
        this.topic = topic;
        this.partition = partition;
        this.endOffset = endOffset;
        this.latestOffset = latestOffset;
    }

    public String topic() { return topic; }
    public int partition() { return partition; }
    /** The offset this batch read up to (exclusive). */
    public long endOffset() { return endOffset; }
    /** The newest offset the source knew of when it planned the batch. */
    public long latestOffset() { return latestOffset; }
    /** Never negative: a partition that was truncated or re-created is not "ahead". */
    public long recordsBehind() { return Math.max(0, latestOffset - endOffset); }

    /** The JSON form: an entry of {@code signals.sources[].partitions}; recordsBehind is written, not read. */
    void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField(TOPIC, topic);
        out.writeNumberField(PARTITION, partition);
        out.writeNumberField(END_OFFSET, endOffset);
        out.writeNumberField(LATEST_OFFSET, latestOffset);
        out.writeNumberField(RECORDS_BEHIND, recordsBehind());
        out.writeEndObject();
    }

    /** Reads the JSON form back, leniently: a missing offset is 0. */
    static TopicPartitionOffset fromJson(JsonNode json) {
        return new TopicPartitionOffset(json.path(TOPIC).asText(""), json.path(PARTITION).asInt(),
                json.path(END_OFFSET).asLong(), json.path(LATEST_OFFSET).asLong());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TopicPartitionOffset)) {
            return false;
        }
        TopicPartitionOffset that = (TopicPartitionOffset) o;
        return partition == that.partition && endOffset == that.endOffset && latestOffset == that.latestOffset
                && topic.equals(that.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, endOffset, latestOffset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + endOffset + "/" + latestOffset;
    }
}
