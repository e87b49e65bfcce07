package io.streamops.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Records behind latest for one source of a query, with its Kafka partitions when it has them. Its
 * JSON form is an entry of {@code signals.sources} in a progress event (the exporter reads it back).
 */
public final class SourceLag {
    private final int index;
    private final String description;
    private final Long recordsBehind;
    private final List<TopicPartitionOffset> partitions;

    public SourceLag(int index, String description, Long recordsBehind, List<TopicPartitionOffset> partitions) {
        this.index = index;
        this.description = description;
        this.recordsBehind = recordsBehind;
        this.partitions = partitions == null ? Collections.<TopicPartitionOffset>emptyList() : Collections.unmodifiableList(partitions);
    }

    /**
     * Reads the JSON form back (Jackson uses this too). Walks the tree by hand: the exporter reads every
     * progress event's sources, and this is several times cheaper than data binding. Lenient: a missing
     * number is null (source) or 0 (partition offset), a missing list empty.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SourceLag fromJson(JsonNode json) {
        JsonNode parts = json.path("partitions");
        List<TopicPartitionOffset> partitions = new ArrayList<TopicPartitionOffset>(parts.size());
        for (JsonNode p : parts) {
            partitions.add(new TopicPartitionOffset(p.path("topic").asText(""), p.path("partition").asInt(),
                    p.path("endOffset").asLong(), p.path("latestOffset").asLong()));
        }
        JsonNode behind = json.path("recordsBehindLatest");
        return new SourceLag(json.path("index").asInt(), json.path("description").isTextual() ? json.path("description").asText() : null,
                behind.isNumber() ? Long.valueOf(behind.asLong()) : null, partitions);
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
