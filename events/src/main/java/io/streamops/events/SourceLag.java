package io.streamops.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Records behind latest for one source of a query, with its Kafka partitions when it has them. Its
 * JSON form is an entry of {@code signals.sources} in a progress event (the exporter reads it back).
 */
public final class SourceLag {
    private static final String INDEX = "index";
    private static final String DESCRIPTION = "description";
    private static final String RECORDS_BEHIND = "recordsBehindLatest";
    private static final String PARTITIONS = "partitions";

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

    /** The JSON form: an entry of {@code signals.sources} (Jackson writes it too). */
    @JsonValue
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put(INDEX, index);
        out.put(DESCRIPTION, description);
        out.put(RECORDS_BEHIND, recordsBehind);
        ArrayNode parts = out.putArray(PARTITIONS);
        for (TopicPartitionOffset p : partitions) {
            parts.add(p.toJson());
        }
        return out;
    }

    /**
     * Reads the JSON form back (Jackson uses this too). Walks the tree by hand: the exporter reads every
     * progress event's sources, and this is several times cheaper than data binding. Lenient: a missing
     * number is null (source) or 0 (partition offset), a missing list empty.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SourceLag fromJson(JsonNode json) {
        JsonNode parts = json.path(PARTITIONS);
        List<TopicPartitionOffset> partitions = new ArrayList<TopicPartitionOffset>(parts.size());
        for (JsonNode p : parts) {
            partitions.add(TopicPartitionOffset.fromJson(p));
        }
        JsonNode behind = json.path(RECORDS_BEHIND);
        return new SourceLag(json.path(INDEX).asInt(), json.path(DESCRIPTION).isTextual() ? json.path(DESCRIPTION).asText() : null,
                behind.isNumber() ? Long.valueOf(behind.asLong()) : null, partitions);
    }

    /** Position in the progress's {@code sources} array: the stable way to tell two sources apart. */
    public int index() { return index; }
    public String description() { return description; }
    /** Null when the source does not report offsets we can compare (for example a file source). */
    public Long recordsBehind() { return recordsBehind; }
    /** Empty unless the offsets have Kafka's {@code {topic: {partition: offset}}} shape. */
    public List<TopicPartitionOffset> partitions() { return partitions; }

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
