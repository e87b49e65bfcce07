package io.streamops.events;

import java.util.Collections;
import java.util.List;

/** Records behind latest for one source of a query, with its Kafka partitions when it has them. */
public final class SourceLag {
    private final int index;
    private final String description;
    private final Long recordsBehind;
    private final List<TopicPartitionOffset> partitions;

    public SourceLag(int index, String description, Long recordsBehind, List<TopicPartitionOffset> partitions) {
        this.index = index;
        this.description = description;
        this.recordsBehind = recordsBehind;
        this.partitions = Collections.unmodifiableList(partitions);
    }

    /** Position in the progress's {@code sources} array: the stable way to tell two sources apart. */
    public int index() { return index; }
    public String description() { return description; }
    /** Null when the source does not report offsets we can compare (for example a file source). */
    public Long recordsBehind() { return recordsBehind; }
    /** Empty unless the offsets have Kafka's {@code {topic: {partition: offset}}} shape. */
    public List<TopicPartitionOffset> partitions() { return partitions; }
}
