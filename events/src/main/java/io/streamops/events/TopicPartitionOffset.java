package io.streamops.events;

/** How far one Kafka topic-partition of a source is behind the latest offset the source saw. */
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

    public String topic() { return topic; }
    public int partition() { return partition; }
    /** The offset this batch read up to (exclusive). */
    public long endOffset() { return endOffset; }
    /** The newest offset the source knew of when it planned the batch. */
    public long latestOffset() { return latestOffset; }
    /** Never negative: a partition that was truncated or re-created is not "ahead". */
    public long recordsBehind() { return Math.max(0, latestOffset - endOffset); }
}
