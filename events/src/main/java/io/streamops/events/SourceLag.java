package io.streamops.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Records behind latest for one source of a query, with its Kafka partitions when it has them. Its
 * JSON form is an entry of {@code signals.sources} in a progress event (the exporter reads it back).
 *
 * <p>Records behind are known only for sources whose offsets count records: Kafka's. Other sources'
 * offsets are not record counts (a rate source's count seconds, a file source's log entries), so their
 * records behind are null whatever their offsets say, and {@link #kind()} names the source.
 *
 * <p>Jackson writes and reads it in that same form (the exporter keeps the last sources of each query).
 */
@JsonSerialize(using = SourceLag.Writer.class)
public final class SourceLag {
    /** The {@link #kind()} of a Kafka source: the only kind whose offsets count records. */
    public static final String KAFKA = "kafka";
    private static final String UNKNOWN = "unknown";

    private static final String INDEX = "index";
    private static final String KIND = "kind";
    private static final String DESCRIPTION = "description";
    private static final String RECORDS_BEHIND = "recordsBehindLatest";
    private static final String PARTITIONS = "partitions";

    private final int index;
    private final String kind;
    private final String description;
    private final Long recordsBehind;
    private final List<TopicPartitionOffset> partitions;

    /** A source whose kind is told by its partitions (Kafka's) or its description. */
    public SourceLag(int index, String description, Long recordsBehind, List<TopicPartitionOffset> partitions) {
        this(index, partitions.isEmpty() ? kindOf(description) : KAFKA, description, recordsBehind, partitions);
    }

    /** {@code recordsBehind} is dropped (null) unless {@code kind} is {@link #KAFKA}: see the class comment. */
    public SourceLag(int index, String kind, String description, Long recordsBehind, List<TopicPartitionOffset> partitions) {
        this.index = index;
        this.kind = kind;
        this.description = description;
        this.recordsBehind = KAFKA.equals(kind) ? recordsBehind : null;
        this.partitions = Collections.unmodifiableList(partitions);
    }

    /**
     * The kind of a source known only by Spark's description of it: {@link #KAFKA} for Kafka's
     * ({@code KafkaV2[...]}, {@code KafkaSource[...]}), else the description up to its first {@code [}.
     */
    public static String kindOf(String description) {
        if (description == null || description.trim().isEmpty()) {
            return UNKNOWN;
        }
        if (description.startsWith("Kafka")) {
            return KAFKA;
        }
        int bracket = description.indexOf('[');
        String name = (bracket < 0 ? description : description.substring(0, bracket)).trim();
        return name.isEmpty() ? UNKNOWN : name;
    }

    /** Writes the JSON form: an entry of {@code signals.sources}. */
    void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField(INDEX, index);
        out.writeStringField(KIND, kind);
        out.writeStringField(DESCRIPTION, description);
        if (recordsBehind == null) {
            out.writeNullField(RECORDS_BEHIND);
        } else {
            out.writeNumberField(RECORDS_BEHIND, recordsBehind);
        }
        out.writeArrayFieldStart(PARTITIONS);
        for (TopicPartitionOffset p : partitions) {
            p.write(out);
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** How Jackson writes a SourceLag: {@link #write}, so there is one JSON form. */
    static final class Writer extends StdSerializer<SourceLag> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(SourceLag.class);
        }

        @Override
        public void serialize(SourceLag value, JsonGenerator out, SerializerProvider provider) throws IOException {
            value.write(out);
        }
    }

    /**
     * Reads the JSON form back (Jackson uses this too). Walks the tree by hand: the exporter reads every
     * progress event's sources, and this is several times cheaper than data binding. Lenient: a missing
     * number is null (source) or 0 (partition offset), a missing list empty. An event from a listener
     * older than {@code kind} gets the kind its partitions or description tell, so the records behind it
     * claimed for a rate source are dropped here too.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SourceLag fromJson(JsonNode json) {
        JsonNode parts = json.path(PARTITIONS);
        List<TopicPartitionOffset> partitions = new ArrayList<TopicPartitionOffset>(parts.size());
        for (JsonNode p : parts) {
            partitions.add(TopicPartitionOffset.fromJson(p));
        }
        JsonNode behind = json.path(RECORDS_BEHIND);
        String description = json.path(DESCRIPTION).isTextual() ? json.path(DESCRIPTION).asText() : null;
        String kind = json.path(KIND).isTextual() ? json.path(KIND).asText()
                : partitions.isEmpty() ? kindOf(description) : KAFKA;
        return new SourceLag(json.path(INDEX).asInt(), kind, description,
                behind.isNumber() ? Long.valueOf(behind.asLong()) : null, partitions);
    }

    /** Position in the progress's {@code sources} array: the stable way to tell two sources apart. */
    public int index() { return index; }
    public String description() { return description; }
    /**
     * What reads this source: {@value #KAFKA} for a Kafka source, else Spark's own name for it (its
     * description up to the first {@code [}, e.g. {@code RateStreamV2}, {@code FileStreamSource}).
     */
    public String kind() { return kind; }
    /** Null unless the source is Kafka's and reported offsets we can compare. */
    public Long recordsBehind() { return recordsBehind; }
    /** Empty unless the offsets have Kafka's {@code {topic: {partition: offset}}} shape. */
    public List<TopicPartitionOffset> partitions() { return partitions; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SourceLag)) {
            return false;
        }
        SourceLag that = (SourceLag) o;
        return index == that.index && Objects.equals(kind, that.kind) && Objects.equals(description, that.description)
                && Objects.equals(recordsBehind, that.recordsBehind) && partitions.equals(that.partitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, kind, description, recordsBehind, partitions);
    }

    @Override
    public String toString() {
        return "SourceLag[" + index + " " + kind + " " + description + " behind=" + recordsBehind + " " + partitions + "]";
    }
}
