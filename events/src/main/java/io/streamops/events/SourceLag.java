package io.streamops.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Records behind latest for one source of a query, with its Kafka partitions when it has them. Its
 * JSON form is an entry of {@code signals.sources} in a progress event (the exporter reads it back).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class SourceLag {
    private final int index;
    private final String description;
    private final Long recordsBehind;
    private final List<TopicPartitionOffset> partitions;

    @JsonCreator
    public SourceLag(@JsonProperty("index") int index, @JsonProperty("description") String description,
                     @JsonProperty("recordsBehindLatest") Long recordsBehind,
                     @JsonProperty("partitions") List<TopicPartitionOffset> partitions) {
        this.index = index;
        this.description = description;
        this.recordsBehind = recordsBehind;
        this.partitions = partitions == null ? Collections.<TopicPartitionOffset>emptyList() : Collections.unmodifiableList(partitions);
    }

    /** Position in the progress's {@code sources} array: the stable way to tell two sources apart. */
    @JsonProperty("index") public int index() { return index; }
    @JsonProperty("description") public String description() { return description; }
    /** Null when the source does not report offsets we can compare (for example a file source). */
    @JsonProperty("recordsBehindLatest") public Long recordsBehind() { return recordsBehind; }
    /** Empty unless the offsets have Kafka's {@code {topic: {partition: offset}}} shape. */
    @JsonProperty("partitions") public List<TopicPartitionOffset> partitions() { return partitions; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SourceLag)) {
            return false;
        }
        SourceLag that = (SourceLag) o;
        return index == that.index && Objects.equals(description, that.description)
                && Objects.equals(recordsBehind, that.recordsBehind) && partitions.equals(that.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, description, recordsBehind, partitions);
    }

    @Override
    public String toString() {
        return "SourceLag[" + index + " " + description + " behind=" + recordsBehind + " " + partitions + "]";
    }
}
