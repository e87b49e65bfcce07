package io.streamops.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a Spark {@code StreamingQueryProgress} says about whether a query keeps up, read from its JSON.
 *
 * <p>Derived once, in the listener, so every consumer reads the same numbers: records behind latest
 * (per Kafka partition, per source, in total), watermark delay, batch duration and state totals. Works
 * on the JSON rather than Spark's classes so that recorded events, the listener and the exporter share
 * one implementation.
 */
public final class ProgressSignals {
    static final String FIELD = "signals";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long batchId;
    private final long numInputRows;
    private final double inputRowsPerSecond;
    private final double processedRowsPerSecond;
    private final Long batchDurationMs;
    private final Long watermarkDelayMs;
    private final List<SourceLag> sources;
    private final Long recordsBehindLatest;
    private final long stateRows;
    private final long stateMemoryBytes;
    private final long stateRowsDroppedByWatermark;

    private ProgressSignals(long batchId, long numInputRows, double inputRowsPerSecond,
                            double processedRowsPerSecond, Long batchDurationMs, Long watermarkDelayMs,
                            List<SourceLag> sources, long stateRows, long stateMemoryBytes,
                            long stateRowsDroppedByWatermark) {
        this(batchId, numInputRows, inputRowsPerSecond, processedRowsPerSecond, batchDurationMs, watermarkDelayMs,
                sources, sumBehind(sources), stateRows, stateMemoryBytes, stateRowsDroppedByWatermark);
    }

    private ProgressSignals(long batchId, long numInputRows, double inputRowsPerSecond,
                            double processedRowsPerSecond, Long batchDurationMs, Long watermarkDelayMs,
                            List<SourceLag> sources, Long recordsBehindLatest, long stateRows, long stateMemoryBytes,
                            long stateRowsDroppedByWatermark) {
        this.batchId = batchId;
        this.numInputRows = numInputRows;
        this.inputRowsPerSecond = inputRowsPerSecond;
        this.processedRowsPerSecond = processedRowsPerSecond;
        this.batchDurationMs = batchDurationMs;
        this.watermarkDelayMs = watermarkDelayMs;
        this.sources = Collections.unmodifiableList(sources);
        this.recordsBehindLatest = recordsBehindLatest;
        this.stateRows = stateRows;
        this.stateMemoryBytes = stateMemoryBytes;
        this.stateRowsDroppedByWatermark = stateRowsDroppedByWatermark;
    }

    /** Derives the signals from a progress as {@code StreamingQueryProgress.json()} renders it. */
    public static ProgressSignals from(JsonNode progress) {
        long stateRows = 0;
        long stateMemory = 0;
        long dropped = 0;
        for (JsonNode op : progress.path("stateOperators")) {
            stateRows += op.path("numRowsTotal").asLong(0);
            stateMemory += op.path("memoryUsedBytes").asLong(0);
            dropped += op.path("numRowsDroppedByWatermark").asLong(0);
        }
        List<SourceLag> sources = new ArrayList<>();
        int index = 0;
        for (JsonNode source : progress.path("sources")) {
            sources.add(sourceLag(index++, source));
        }
        JsonNode trigger = progress.path("durationMs").path("triggerExecution");
        return new ProgressSignals(
                progress.path("batchId").asLong(-1),
                progress.path("numInputRows").asLong(0),
                rate(progress.path("inputRowsPerSecond")),
                rate(progress.path("processedRowsPerSecond")),
                trigger.isNumber() ? trigger.asLong() : null,
                watermarkDelayMs(progress),
                sources, stateRows, stateMemory, dropped);
    }

    /**
     * Batch time minus the watermark. Null until the query has a real watermark: Spark reports the
     * epoch (1970-01-01) before the first batch that sees event time.
     */
    static Long watermarkDelayMs(JsonNode progress) {
        Instant watermark = instant(progress.path("eventTime").path("watermark"));
        Instant batchTime = instant(progress.path("timestamp"));
        if (watermark == null || batchTime == null || watermark.toEpochMilli() <= 0) {
            return null;
        }
        return Math.max(0, batchTime.toEpochMilli() - watermark.toEpochMilli());
    }

    static SourceLag sourceLag(int index, JsonNode source) {
        String description = source.path("description").asText("");
        JsonNode end = offsets(source.path("endOffset"));
        JsonNode latest = offsets(source.path("latestOffset"));
        List<TopicPartitionOffset> partitions = end.isObject() && latest.isObject() ? kafkaPartitions(end, latest) : null;
        if (partitions == null) {
            // Not Kafka's offsets: a rate source's count seconds, a file source's log entries. Not records.
            return new SourceLag(index, SourceLag.kindOf(description), description, null,
                    Collections.<TopicPartitionOffset>emptyList());
        }
        Long total = null;
        for (TopicPartitionOffset p : partitions) {
            total = (total == null ? 0 : total) + p.recordsBehind();
        }
        return new SourceLag(index, SourceLag.KAFKA, description, total, partitions);
    }

    /**
     * Kafka offsets look like {@code {"topic": {"0": 12, "1": 40}}}, partitions in no particular order.
     * Topics and partitions missing from either side (newly added) are skipped rather than guessed at,
     * and so are negative offsets: Kafka's sentinels (-1 latest, -2 earliest) are not positions. Null
     * when the offsets do not have Kafka's shape at all.
     */
    private static List<TopicPartitionOffset> kafkaPartitions(JsonNode end, JsonNode latest) {
        List<TopicPartitionOffset> partitions = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> topics = latest.fields();
        while (topics.hasNext()) {
            Map.Entry<String, JsonNode> topic = topics.next();
            JsonNode endForTopic = end.path(topic.getKey());
            if (!topic.getValue().isObject()) {
                return null; // not Kafka's shape (e.g. a file source's {"logOffset": 3})
            }
            if (!endForTopic.isObject()) {
                continue; // a topic newly matched by subscribePattern: no end offset yet
            }
            Iterator<Map.Entry<String, JsonNode>> parts = topic.getValue().fields();
            while (parts.hasNext()) {
                Map.Entry<String, JsonNode> part = parts.next();
                JsonNode endOffset = endForTopic.path(part.getKey());
                int partition;
                try {
                    partition = Integer.parseInt(part.getKey());
                } catch (NumberFormatException e) {
                    return null;
                }
                if (part.getValue().isIntegralNumber() && endOffset.isIntegralNumber()
                        && part.getValue().asLong() >= 0 && endOffset.asLong() >= 0) {
                    partitions.add(new TopicPartitionOffset(topic.getKey(), partition,
                            endOffset.asLong(), part.getValue().asLong()));
                }
            }
        }
        partitions.sort((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        return partitions;
    }

    /**
     * Reads back the {@code signals} object that {@link EventCodec} wrote: the consumer's side of the
     * contract, so the field names live in this class only. The total behind is summed again from the
     * sources (as read by {@link SourceLag#fromJson}), so an older listener's total, which counted a
     * rate source's seconds as records, is not believed; it is taken as written only with no sources.
     */
    public static ProgressSignals fromJson(JsonNode signals) {
        List<SourceLag> sources = new ArrayList<SourceLag>();
        for (JsonNode source : signals.path("sources")) {
            if (source.isObject()) {
                sources.add(SourceLag.fromJson(source));
            }
        }
        return new ProgressSignals(
                signals.path("batchId").asLong(-1),
                signals.path("numInputRows").asLong(0),
                rate(signals.path("inputRowsPerSecond")),
                rate(signals.path("processedRowsPerSecond")),
                longOrNull(signals.path("batchDurationMs")),
                longOrNull(signals.path("watermarkDelayMs")),
                sources,
                sources.isEmpty() ? longOrNull(signals.path("recordsBehindLatest")) : sumBehind(sources),
                signals.path("stateRows").asLong(0),
                signals.path("stateMemoryBytes").asLong(0),
                signals.path("stateRowsDroppedByWatermark").asLong(0));
    }

    private static Long longOrNull(JsonNode node) {
        return node.isNumber() ? Long.valueOf(node.asLong()) : null;
    }

    /** Offsets are embedded JSON in {@code progress.json()} but plain strings on the Java objects. */
    private static JsonNode offsets(JsonNode node) {
        if (node.isTextual()) {
            try {
                return JSON.readTree(node.asText());
            } catch (JsonProcessingException e) {
                return node;
            }
        }
        return node;
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * A rate, NaN when unknown: Spark leaves a rate out of the JSON when it has no time to divide by (its
     * NaN), and reading that as 0 made every average over the window look slower than it was.
     */
    private static double rate(JsonNode node) {
        double value = node.isNumber() ? node.asDouble() : Double.NaN;
        return Double.isInfinite(value) ? Double.NaN : value;
    }

    /** The JSON form of a rate: null when unknown (JSON has no NaN). */
    private static void writeRate(JsonGenerator out, String field, double value) throws IOException {
        if (Double.isNaN(value)) {
            out.writeNullField(field);
        } else {
            out.writeNumberField(field, value);
        }
    }

    private static void writeNullable(JsonGenerator out, String field, Long value) throws IOException {
        if (value == null) {
            out.writeNullField(field);
        } else {
            out.writeNumberField(field, value.longValue());
        }
    }

    public long batchId() { return batchId; }
    public long numInputRows() { return numInputRows; }
    /** NaN when Spark gave none (no time to divide by). */
    public double inputRowsPerSecond() { return inputRowsPerSecond; }
    /** NaN when Spark gave none (no time to divide by). */
    public double processedRowsPerSecond() { return processedRowsPerSecond; }
    /** {@code durationMs.triggerExecution}: the whole micro-batch. */
    public Long batchDurationMs() { return batchDurationMs; }
    public Long watermarkDelayMs() { return watermarkDelayMs; }
    public List<SourceLag> sources() { return sources; }
    public long stateRows() { return stateRows; }
    public long stateMemoryBytes() { return stateMemoryBytes; }
    public long stateRowsDroppedByWatermark() { return stateRowsDroppedByWatermark; }

    /** Sum over the Kafka sources that report it; null when none does. Never mixes in other sources' offsets. */
    public Long recordsBehindLatest() {
        return recordsBehindLatest;
    }

    private static Long sumBehind(List<SourceLag> sources) {
        Long total = null;
        for (SourceLag source : sources) {
            if (source.recordsBehind() != null) {
                total = (total == null ? 0 : total) + source.recordsBehind();
            }
        }
        return total;
    }

    /** Writes the {@code signals} object of a progress event (see the schema), as the value of the current field. */
    void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("batchId", batchId);
        out.writeNumberField("numInputRows", numInputRows);
        writeRate(out, "inputRowsPerSecond", inputRowsPerSecond);
        writeRate(out, "processedRowsPerSecond", processedRowsPerSecond);
        writeNullable(out, "batchDurationMs", batchDurationMs);
        writeNullable(out, "watermarkDelayMs", watermarkDelayMs);
        writeNullable(out, "recordsBehindLatest", recordsBehindLatest);
        out.writeNumberField("stateRows", stateRows);
        out.writeNumberField("stateMemoryBytes", stateMemoryBytes);
        out.writeNumberField("stateRowsDroppedByWatermark", stateRowsDroppedByWatermark);
        out.writeArrayFieldStart("sources");
        for (SourceLag source : sources) {
            source.write(out);
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProgressSignals)) {
            return false;
        }
        ProgressSignals that = (ProgressSignals) o;
        return batchId == that.batchId && numInputRows == that.numInputRows
                && Double.compare(inputRowsPerSecond, that.inputRowsPerSecond) == 0
                && Double.compare(processedRowsPerSecond, that.processedRowsPerSecond) == 0
                && Objects.equals(batchDurationMs, that.batchDurationMs) && Objects.equals(watermarkDelayMs, that.watermarkDelayMs)
                && sources.equals(that.sources) && Objects.equals(recordsBehindLatest, that.recordsBehindLatest)
                && stateRows == that.stateRows && stateMemoryBytes == that.stateMemoryBytes
                && stateRowsDroppedByWatermark == that.stateRowsDroppedByWatermark;
    }

    @Override
    public int hashCode() {
        return Objects.hash(batchId, numInputRows, batchDurationMs, watermarkDelayMs, sources, recordsBehindLatest, stateRows);
    }

    @Override
    public String toString() {
        return "signals of batch " + batchId + " (" + numInputRows + " rows, behind " + recordsBehindLatest + ")";
    }
}
