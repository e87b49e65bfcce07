package io.streamops.events;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * How far one Kafka topic-partition of a source is behind the latest offset the source saw. Its JSON
 * form is an entry of {@code signals.sources[].partitions} in a progress event ({@link SourceLag#fromJson}
 * reads it back).
 */
public final class TopicPartitionOffset {
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

    @JsonProperty("topic") public String topic() { return topic; }
    @JsonProperty("partition") public int partition() { return partition; }
    /** The offset this batch read up to (exclusive). */
    @JsonProperty("endOffset") public long endOffset() { return endOffset; }
    /** The newest offset the source knew of when it planned the batch. */
    @JsonProperty("latestOffset") public long latestOffset() { return latestOffset; }
    /** Never negative: a partition that was truncated or re-created is not "ahead". */
    @JsonProperty("recordsBehind") public long recordsBehind() { return Math.max(0, latestOffset - endOffset); }

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
