package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link ProgressSignals} against real Spark 3.5.7 {@code StreamingQueryProgress} JSON. Every expected
 * number is computed here from the fixture's own fields, never copied from it by hand.
 */
class ProgressSignalsTest {
    static final String KAFKA_BATCH_3 = "kafka-source.progress.batch-3-behind-latest.json";
    static final String KAFKA_BATCH_3_COMPACT = "kafka-source.progress.batch-3-behind-latest.compact.json";
    static final String KAFKA_BATCH_0 = "kafka-source.progress.batch-0-first.json";
    static final String IDLE_BATCH_0 = "idle.progress.batch-0-empty-topic.json";
    static final String IDLE_AFTER = "idle.progress.after-idle-5-new-records.json";
    static final String RATE_NO_WATERMARK = "rate-watermark.progress.batch-0-no-watermark-yet.json";
    static final String RATE_EVICTED = "rate-watermark.progress.window-emitted-state-evicted.json";
    static final String RATE_LAST = "rate-watermark.progress.last.json";
    static final String FOREACH_BATCH = "failing-foreachbatch.progress.last-before-failure.json";
    static final String OBSERVE = "observe.progress.with-observed-metrics.json";

    // ---------------------------------------------------------------- Kafka sources

    @Test
    void kafkaBatch3RecordsBehindPerPartitionSortedAndSummed() {
        JsonNode progress = Fixtures.json(KAFKA_BATCH_3);
        JsonNode source = progress.get("sources").get(0);
        // Spark lists the partitions as 2, 1, 0: the sort is ours, not the fixture's.
        assertThat(fieldNames(source.get("latestOffset").get("purchases"))).containsExactly("2", "1", "0");

        List<Expected> expected = expectedPartitions(source);
        long expectedTotal = 0;
        for (Expected e : expected) {
            expectedTotal += e.behind();
        }
        assertThat(expected).hasSize(3);
        assertThat(expectedTotal).isPositive();

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources()).hasSize(1);
        SourceLag lag = signals.sources().get(0);
        assertThat(lag.index()).isZero();
        assertThat(lag.description()).isEqualTo(source.get("description").asText());
        assertThat(lag.partitions())
                .extracting(TopicPartitionOffset::topic, TopicPartitionOffset::partition,
                        TopicPartitionOffset::endOffset, TopicPartitionOffset::latestOffset,
                        TopicPartitionOffset::recordsBehind)
                .containsExactlyElementsOf(tuples(expected));
        assertThat(lag.partitions()).extracting(TopicPartitionOffset::partition).isSorted();
        assertThat(lag.recordsBehind()).isEqualTo(expectedTotal);
        assertThat(signals.recordsBehindLatest()).isEqualTo(expectedTotal);
    }

    @ParameterizedTest
    @ValueSource(strings = {KAFKA_BATCH_3, KAFKA_BATCH_0, IDLE_BATCH_0, RATE_LAST, FOREACH_BATCH})
    void theSignalsJsonReadsBackAsTheSameSignals(String fixture) {
        ProgressSignals written = ProgressSignals.from(Fixtures.json(fixture));

        ProgressSignals read = ProgressSignals.fromJson(Fixtures.signalsJson(written));

        assertThat(Fixtures.signalsJson(read)).isEqualTo(Fixtures.signalsJson(written));
        assertThat(read.sources()).isEqualTo(written.sources());
        assertThat(read.recordsBehindLatest()).isEqualTo(written.recordsBehindLatest());
        assertThat(read.batchDurationMs()).isEqualTo(written.batchDurationMs());
        assertThat(read.watermarkDelayMs()).isEqualTo(written.watermarkDelayMs());
    }

    @ParameterizedTest
    @ValueSource(strings = {KAFKA_BATCH_3, KAFKA_BATCH_0, IDLE_BATCH_0, RATE_LAST, FOREACH_BATCH})
    void sourcesReadBackFromTheEventJsonAreTheSameLag(String fixture) throws Exception {
        ProgressSignals signals = ProgressSignals.from(Fixtures.json(fixture));
        JsonNode wire = Fixtures.signalsJson(signals).get("sources");
        assertThat(wire.get(0).has("recordsBehindLatest")).isTrue();
        List<SourceLag> back = new com.fasterxml.jackson.databind.ObjectMapper().readerForListOf(SourceLag.class)
                .readValue(wire);
        assertThat(back).hasSameSizeAs(signals.sources());
        for (int i = 0; i < back.size(); i++) {
            SourceLag a = signals.sources().get(i);
            SourceLag b = back.get(i);
            assertThat(b.index()).isEqualTo(a.index());
            assertThat(b.description()).isEqualTo(a.description());
            assertThat(b.recordsBehind()).isEqualTo(a.recordsBehind());
            assertThat(b.partitions())
                    .extracting(TopicPartitionOffset::topic, TopicPartitionOffset::partition, TopicPartitionOffset::endOffset,
                            TopicPartitionOffset::latestOffset, TopicPartitionOffset::recordsBehind)
                    .containsExactlyElementsOf(a.partitions().stream().map(p -> tuple(p.topic(), p.partition(), p.endOffset(),
                            p.latestOffset(), p.recordsBehind())).collect(java.util.stream.Collectors.toList()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {KAFKA_BATCH_3, KAFKA_BATCH_3_COMPACT, KAFKA_BATCH_0, IDLE_BATCH_0, IDLE_AFTER})
    void kafkaRecordsBehindAgreesWithSparksOwnOffsetsBehindLatestMetrics(String fixture) {
        JsonNode progress = Fixtures.json(fixture);
        JsonNode metrics = progress.get("sources").get(0).get("metrics");
        // Spark 3.5 renders these source metrics as strings.
        assertThat(metrics.get("maxOffsetsBehindLatest").isTextual()).isTrue();
        assertThat(metrics.get("minOffsetsBehindLatest").isTextual()).isTrue();
        long sparkMax = Long.parseLong(metrics.get("maxOffsetsBehindLatest").asText());
        long sparkMin = Long.parseLong(metrics.get("minOffsetsBehindLatest").asText());
        double sparkAvg = Double.parseDouble(metrics.get("avgOffsetsBehindLatest").asText());

        SourceLag lag = ProgressSignals.from(progress).sources().get(0);
        List<Long> behind = new ArrayList<>();
        for (TopicPartitionOffset p : lag.partitions()) {
            behind.add(p.recordsBehind());
        }
        assertThat(behind).isNotEmpty();
        assertThat(behind.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(sparkMax);
        assertThat(behind.stream().mapToLong(Long::longValue).min().getAsLong()).isEqualTo(sparkMin);
        assertThat((double) lag.recordsBehind() / behind.size()).isCloseTo(sparkAvg, within(1e-6));
        assertThat(behind.stream().mapToLong(Long::longValue).sum()).isEqualTo(lag.recordsBehind());
    }

    @Test
    void compactJsonGivesIdenticalSignals() {
        JsonNode pretty = Fixtures.json(KAFKA_BATCH_3);
        JsonNode compact = Fixtures.json(KAFKA_BATCH_3_COMPACT);
        assertThat(Fixtures.text(KAFKA_BATCH_3_COMPACT).trim()).doesNotContain("\n");

        ProgressSignals fromPretty = ProgressSignals.from(pretty);
        ProgressSignals fromCompact = ProgressSignals.from(compact);

        assertThat(Fixtures.signalsJson(fromCompact)).isEqualTo(Fixtures.signalsJson(fromPretty));
        assertThat(fromCompact.recordsBehindLatest()).isEqualTo(fromPretty.recordsBehindLatest()).isNotNull();
        assertThat(fromCompact.batchId()).isEqualTo(pretty.get("batchId").asLong());
    }

    @Test
    void kafkaBatch0WithNullStartOffsetStillReportsLag() {
        JsonNode progress = Fixtures.json(KAFKA_BATCH_0);
        JsonNode source = progress.get("sources").get(0);
        assertThat(source.get("startOffset").isNull()).isTrue();

        List<Expected> expected = expectedPartitions(source);
        long expectedTotal = 0;
        for (Expected e : expected) {
            expectedTotal += e.behind();
        }

        ProgressSignals signals = ProgressSignals.from(progress);
        assertThat(signals.batchId()).isEqualTo(progress.get("batchId").asLong()).isZero();
        assertThat(signals.inputRowsPerSecond()).isEqualTo(progress.get("inputRowsPerSecond").asDouble());
        assertThat(signals.sources().get(0).partitions())
                .extracting(TopicPartitionOffset::topic, TopicPartitionOffset::partition,
                        TopicPartitionOffset::endOffset, TopicPartitionOffset::latestOffset,
                        TopicPartitionOffset::recordsBehind)
                .containsExactlyElementsOf(tuples(expected));
        assertThat(signals.recordsBehindLatest()).isEqualTo(expectedTotal).isPositive();
    }

    @Test
    void emptyTopicIsZeroBehindNotUnknown() {
        JsonNode progress = Fixtures.json(IDLE_BATCH_0);
        JsonNode source = progress.get("sources").get(0);
        int partitionsInFixture = source.get("latestOffset").get("idle-topic").size();

        ProgressSignals signals = ProgressSignals.from(progress);

        SourceLag lag = signals.sources().get(0);
        assertThat(lag.partitions()).hasSize(partitionsInFixture);
        assertThat(lag.partitions()).extracting(TopicPartitionOffset::topic).containsOnly("idle-topic");
        assertThat(lag.partitions()).extracting(TopicPartitionOffset::recordsBehind).containsOnly(0L);
        assertThat(lag.recordsBehind()).isEqualTo(0L);
        assertThat(signals.recordsBehindLatest()).isEqualTo(0L);
        assertThat(signals.numInputRows()).isEqualTo(progress.get("numInputRows").asLong()).isZero();
        assertThat(Fixtures.signalsJson(signals).get("recordsBehindLatest").isIntegralNumber()).isTrue();
    }

    @Test
    void truncatedPartitionIsNeverNegativelyBehind() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        ObjectNode latest = (ObjectNode) source.get("latestOffset").get("purchases");
        long endOfPartition1 = source.get("endOffset").get("purchases").get("1").asLong();
        latest.put("1", endOfPartition1 - 100); // the topic was re-created: latest went backwards

        long expectedTotal = 0;
        for (Expected e : expectedPartitions(source)) {
            expectedTotal += Math.max(0, e.behind());
        }

        ProgressSignals signals = ProgressSignals.from(progress);

        TopicPartitionOffset p1 = signals.sources().get(0).partitions().get(1);
        assertThat(p1.partition()).isEqualTo(1);
        assertThat(p1.latestOffset()).isLessThan(p1.endOffset());
        assertThat(p1.recordsBehind()).isZero();
        assertThat(signals.recordsBehindLatest()).isEqualTo(expectedTotal);
    }

    @Test
    void topicNewlyMatchedByAPatternDoesNotHideTheOthersLag() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        long expectedTotal = 0;
        for (Expected e : expectedPartitions(source)) {
            expectedTotal += e.behind();
        }
        // subscribePattern picked up a new topic: it has a latest offset but no end offset yet.
        ((ObjectNode) source.get("latestOffset")).putObject("new-topic").put("0", 10);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources().get(0).partitions()).extracting(TopicPartitionOffset::topic).containsOnly("purchases");
        assertThat(signals.recordsBehindLatest()).isEqualTo(expectedTotal);
    }

    @Test
    void partitionMissingOnOneSideIsSkipped() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        // A partition added after the batch was planned: known to latestOffset only.
        ((ObjectNode) source.get("endOffset").get("purchases")).remove("1");

        long expectedTotal = 0;
        JsonNode end = source.get("endOffset").get("purchases");
        JsonNode latest = source.get("latestOffset").get("purchases");
        for (String partition : fieldNames(end)) {
            expectedTotal += latest.get(partition).asLong() - end.get(partition).asLong();
        }

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources().get(0).partitions()).extracting(TopicPartitionOffset::partition)
                .containsExactly(0, 2);
        assertThat(signals.recordsBehindLatest()).isEqualTo(expectedTotal);
    }

    // ---------------------------------------------------------------- rate source, watermark, state

    @Test
    void noWatermarkYetGivesNullDelay() {
        JsonNode progress = Fixtures.json(RATE_NO_WATERMARK);
        // Spark reports the epoch before the first batch that sees event time.
        assertThat(Instant.parse(progress.get("eventTime").get("watermark").asText())).isEqualTo(Instant.EPOCH);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.watermarkDelayMs()).isNull();
        assertThat(Fixtures.signalsJson(signals).get("watermarkDelayMs").isNull()).isTrue();
        assertThat(signals.stateRows()).isEqualTo(sum(progress, "numRowsTotal"));
        assertThat(signals.stateMemoryBytes()).isEqualTo(sum(progress, "memoryUsedBytes")).isPositive();
        assertThat(signals.stateRowsDroppedByWatermark()).isEqualTo(sum(progress, "numRowsDroppedByWatermark"));
        JsonNode source = progress.get("sources").get(0);
        assertThat(source.get("startOffset").isNull()).isTrue();
        assertThat(signals.sources().get(0).recordsBehind()).as("a rate source's offsets are seconds").isNull();
        assertThat(signals.sources().get(0).partitions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {RATE_EVICTED, RATE_LAST})
    void watermarkDelayAndStateTotalsFromTheProgress(String fixture) {
        JsonNode progress = Fixtures.json(fixture);
        Instant batchTime = Instant.parse(progress.get("timestamp").asText());
        Instant watermark = Instant.parse(progress.get("eventTime").get("watermark").asText());
        long expectedDelay = Duration.between(watermark, batchTime).toMillis();
        assertThat(expectedDelay).isPositive();
        assertThat(sum(progress, "numRowsTotal")).isPositive();

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.watermarkDelayMs()).isEqualTo(expectedDelay);
        assertThat(signals.stateRows()).isEqualTo(sum(progress, "numRowsTotal"));
        assertThat(signals.stateMemoryBytes()).isEqualTo(sum(progress, "memoryUsedBytes"));
        assertThat(signals.stateRowsDroppedByWatermark()).isEqualTo(sum(progress, "numRowsDroppedByWatermark"));
        JsonNode source = progress.get("sources").get(0);
        assertThat(source.get("endOffset").isIntegralNumber()).isTrue();
        assertThat(signals.sources().get(0).kind()).isEqualTo("RateStreamV2");
        assertThat(signals.sources().get(0).recordsBehind()).as("a rate source's offsets are seconds").isNull();
        assertThat(signals.recordsBehindLatest()).isNull();
    }

    @Test
    void stateTotalsSumOverEveryStateOperator() {
        ObjectNode progress = Fixtures.object(RATE_EVICTED);
        ArrayNode operators = (ArrayNode) progress.get("stateOperators");
        ObjectNode second = operators.get(0).deepCopy();
        second.put("operatorName", "dedupe");
        second.put("numRowsTotal", second.get("numRowsTotal").asLong() + 5);
        second.put("memoryUsedBytes", second.get("memoryUsedBytes").asLong() * 3);
        second.put("numRowsDroppedByWatermark", 4);
        operators.add(second);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(operators).hasSize(2);
        assertThat(signals.stateRows()).isEqualTo(sum(progress, "numRowsTotal"));
        assertThat(signals.stateMemoryBytes()).isEqualTo(sum(progress, "memoryUsedBytes"));
        assertThat(signals.stateRowsDroppedByWatermark()).isEqualTo(sum(progress, "numRowsDroppedByWatermark")).isPositive();
    }

    // ---------------------------------------------------------------- every recorded progress

    @ParameterizedTest
    @ValueSource(strings = {KAFKA_BATCH_3, KAFKA_BATCH_3_COMPACT, KAFKA_BATCH_0, IDLE_BATCH_0, IDLE_AFTER,
            RATE_NO_WATERMARK, RATE_EVICTED, RATE_LAST, FOREACH_BATCH, OBSERVE})
    void plainFieldsAreCopiedFromEveryRecordedProgress(String fixture) {
        JsonNode progress = Fixtures.json(fixture);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.batchId()).isEqualTo(progress.get("batchId").asLong());
        assertThat(signals.numInputRows()).isEqualTo(progress.get("numInputRows").asLong());
        assertThat(signals.inputRowsPerSecond()).isEqualTo(progress.get("inputRowsPerSecond").asDouble());
        assertThat(signals.processedRowsPerSecond()).isEqualTo(progress.get("processedRowsPerSecond").asDouble());
        assertThat(signals.batchDurationMs()).isEqualTo(progress.get("durationMs").get("triggerExecution").asLong());
        assertThat(signals.stateRows()).isEqualTo(sum(progress, "numRowsTotal"));
        assertThat(signals.sources()).hasSize(progress.get("sources").size());
        for (int i = 0; i < progress.get("sources").size(); i++) {
            assertThat(signals.sources().get(i).index()).isEqualTo(i);
            assertThat(signals.sources().get(i).description())
                    .isEqualTo(progress.get("sources").get(i).get("description").asText());
            // Every recorded source is Kafka or rate: only Kafka's offsets are records.
            JsonNode description = progress.get("sources").get(i).get("description");
            boolean kafka = description.asText().startsWith("Kafka");
            assertThat(signals.sources().get(i).kind()).isEqualTo(kafka ? "kafka" : "RateStreamV2");
            assertThat(signals.sources().get(i).recordsBehind() != null).isEqualTo(kafka);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {FOREACH_BATCH, OBSERVE})
    void foreachBatchAndObservedMetricsProgressesParse(String fixture) {
        JsonNode progress = Fixtures.json(fixture);
        JsonNode source = progress.get("sources").get(0);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.watermarkDelayMs()).isNull(); // no eventTime in these queries
        assertThat(progress.has("eventTime")).isFalse();
        assertThat(source.get("description").asText()).startsWith("RateStreamV2");
        assertThat(signals.sources().get(0).recordsBehind()).isNull();
        assertThat(Fixtures.signalsJson(signals).get("batchId").asLong()).isEqualTo(progress.get("batchId").asLong());
    }

    // ---------------------------------------------------------------- sources we cannot compare

    @Test
    void sourceWithIncomparableOffsetsHasNullBehindAndTotalIsNull() {
        ObjectNode progress = Fixtures.object(OBSERVE);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        source.put("description", "FileStreamSource[file:/data/in]");
        source.set("startOffset", Fixtures.JSON.createObjectNode().put("logOffset", 3));
        source.set("endOffset", Fixtures.JSON.createObjectNode().put("logOffset", 4));
        source.set("latestOffset", Fixtures.JSON.createObjectNode().put("logOffset", 6));

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources()).hasSize(1);
        assertThat(signals.sources().get(0).recordsBehind()).isNull();
        assertThat(signals.sources().get(0).partitions()).isEmpty();
        assertThat(signals.recordsBehindLatest()).isNull();
        ObjectNode json = Fixtures.signalsJson(signals);
        assertThat(json.has("recordsBehindLatest")).isTrue();
        assertThat(json.get("recordsBehindLatest").isNull()).isTrue();
        assertThat(json.get("sources").get(0).get("recordsBehindLatest").isNull()).isTrue();
    }

    @Test
    void sourceWithoutLatestOffsetHasNullBehind() {
        ObjectNode progress = Fixtures.object(FOREACH_BATCH);
        ((ObjectNode) progress.get("sources").get(0)).putNull("latestOffset");

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources().get(0).recordsBehind()).isNull();
        assertThat(signals.recordsBehindLatest()).isNull();
    }

    @Test
    void totalSumsOnlyTheSourcesThatReport() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ArrayNode sources = (ArrayNode) progress.get("sources");
        ObjectNode fileSource = Fixtures.JSON.createObjectNode();
        fileSource.put("description", "FileStreamSource[file:/data/in]");
        fileSource.set("startOffset", Fixtures.JSON.createObjectNode().put("logOffset", 0));
        fileSource.set("endOffset", Fixtures.JSON.createObjectNode().put("logOffset", 1));
        fileSource.putNull("latestOffset");
        sources.insert(0, fileSource);
        long kafkaBehind = ProgressSignals.from(Fixtures.json(KAFKA_BATCH_3)).recordsBehindLatest();

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources()).extracting(SourceLag::index).containsExactly(0, 1);
        assertThat(signals.sources().get(0).recordsBehind()).isNull();
        assertThat(signals.sources().get(1).recordsBehind()).isEqualTo(kafkaBehind);
        assertThat(signals.recordsBehindLatest()).isEqualTo(kafkaBehind);
    }

    @Test
    void noSourcesGivesNullTotal() {
        ObjectNode progress = Fixtures.object(RATE_EVICTED);
        progress.putArray("sources");

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources()).isEmpty();
        assertThat(signals.recordsBehindLatest()).isNull();
        assertThat(Fixtures.signalsJson(signals).get("sources").size()).isZero();
    }

    // ---------------------------------------------------------------- offsets as strings

    @Test
    void kafkaOffsetsAsJsonStringsParseLikeEmbeddedObjects() {
        ObjectNode embedded = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode stringly = embedded.deepCopy();
        stringifyOffsets((ObjectNode) stringly.get("sources").get(0));
        assertThat(stringly.get("sources").get(0).get("endOffset").isTextual()).isTrue();

        ProgressSignals fromObjects = ProgressSignals.from(embedded);
        ProgressSignals fromStrings = ProgressSignals.from(stringly);

        assertThat(Fixtures.signalsJson(fromStrings)).isEqualTo(Fixtures.signalsJson(fromObjects));
        assertThat(fromStrings.sources().get(0).partitions()).hasSize(3);
        assertThat(fromStrings.recordsBehindLatest()).isEqualTo(fromObjects.recordsBehindLatest()).isPositive();
    }

    @Test
    void rateOffsetsAsStringsParseLikeNumbers() {
        ObjectNode numeric = Fixtures.object(RATE_EVICTED);
        ObjectNode source = (ObjectNode) numeric.get("sources").get(0);
        source.put("latestOffset", source.get("endOffset").asLong() + 12);
        ObjectNode stringly = numeric.deepCopy();
        stringifyOffsets((ObjectNode) stringly.get("sources").get(0));
        assertThat(stringly.get("sources").get(0).get("latestOffset").isTextual()).isTrue();

        ProgressSignals fromNumbers = ProgressSignals.from(numeric);
        ProgressSignals fromStrings = ProgressSignals.from(stringly);

        assertThat(Fixtures.signalsJson(fromStrings)).isEqualTo(Fixtures.signalsJson(fromNumbers));
        assertThat(fromStrings.sources().get(0).kind()).isEqualTo("RateStreamV2");
        assertThat(fromStrings.recordsBehindLatest()).as("seconds, not records").isNull();
    }

    @Test
    void unparsableOffsetStringIsNotComparable() {
        ObjectNode progress = Fixtures.object(RATE_EVICTED);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        source.put("endOffset", "not json {");
        source.put("latestOffset", "not json {");

        assertThat(ProgressSignals.from(progress).recordsBehindLatest()).isNull();
    }

    // ---------------------------------------------------------------- toJson

    @Test
    void toJsonMirrorsTheAccessors() {
        ProgressSignals signals = ProgressSignals.from(Fixtures.json(KAFKA_BATCH_3));

        ObjectNode json = Fixtures.signalsJson(signals);

        assertThat(json.get("batchId").asLong()).isEqualTo(signals.batchId());
        assertThat(json.get("numInputRows").asLong()).isEqualTo(signals.numInputRows());
        assertThat(json.get("inputRowsPerSecond").asDouble()).isEqualTo(signals.inputRowsPerSecond());
        assertThat(json.get("processedRowsPerSecond").asDouble()).isEqualTo(signals.processedRowsPerSecond());
        assertThat(json.get("batchDurationMs").asLong()).isEqualTo(signals.batchDurationMs());
        assertThat(json.get("watermarkDelayMs").isNull()).isTrue();
        assertThat(json.get("recordsBehindLatest").asLong()).isEqualTo(signals.recordsBehindLatest());
        assertThat(json.get("stateRows").asLong()).isEqualTo(signals.stateRows());
        assertThat(json.get("stateMemoryBytes").asLong()).isEqualTo(signals.stateMemoryBytes());
        assertThat(json.get("stateRowsDroppedByWatermark").asLong()).isEqualTo(signals.stateRowsDroppedByWatermark());
        JsonNode source = json.get("sources").get(0);
        SourceLag lag = signals.sources().get(0);
        assertThat(source.get("index").asInt()).isEqualTo(lag.index());
        assertThat(source.get("description").asText()).isEqualTo(lag.description());
        assertThat(source.get("recordsBehindLatest").asLong()).isEqualTo(lag.recordsBehind());
        assertThat(source.get("partitions")).hasSize(lag.partitions().size());
        for (int i = 0; i < lag.partitions().size(); i++) {
            JsonNode p = source.get("partitions").get(i);
            TopicPartitionOffset expected = lag.partitions().get(i);
            assertThat(p.get("topic").asText()).isEqualTo(expected.topic());
            assertThat(p.get("partition").asInt()).isEqualTo(expected.partition());
            assertThat(p.get("endOffset").asLong()).isEqualTo(expected.endOffset());
            assertThat(p.get("latestOffset").asLong()).isEqualTo(expected.latestOffset());
            assertThat(p.get("recordsBehind").asLong()).isEqualTo(expected.recordsBehind());
        }
    }

    // ---------------------------------------------------------------- issue 7, finding 8: only record counts are records behind

    @Test
    void rateSourceOffsetsAreSecondsNotRecordsBehind() {
        ObjectNode progress = Fixtures.object(RATE_EVICTED);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        source.put("latestOffset", source.get("endOffset").asLong() + 37); // 37 s of the rate source's clock

        ProgressSignals signals = ProgressSignals.from(progress);

        SourceLag lag = signals.sources().get(0);
        assertThat(lag.kind()).isEqualTo("RateStreamV2");
        assertThat(lag.recordsBehind()).as("a rate source counts seconds, not records").isNull();
        assertThat(signals.recordsBehindLatest()).isNull();
        assertThat(Fixtures.signalsJson(signals).get("sources").get(0).get("kind").asText()).isEqualTo("RateStreamV2");
    }

    @Test
    void totalIsKafkaRecordsOnlyNeverSummedWithARateSource() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        long kafkaBehind = ProgressSignals.from(Fixtures.json(KAFKA_BATCH_3)).recordsBehindLatest();
        ObjectNode rate = (ObjectNode) Fixtures.object(RATE_EVICTED).get("sources").get(0);
        rate.put("latestOffset", rate.get("endOffset").asLong() + 500);
        ((ArrayNode) progress.get("sources")).add(rate);

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources()).extracting(SourceLag::kind).containsExactly("kafka", "RateStreamV2");
        assertThat(signals.sources().get(1).recordsBehind()).isNull();
        assertThat(signals.recordsBehindLatest()).isEqualTo(kafkaBehind);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -2})
    void negativeSentinelOffsetsAreNotRecordsBehind(long sentinel) {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        ObjectNode end = (ObjectNode) source.get("endOffset").get("purchases");
        ObjectNode latest = (ObjectNode) source.get("latestOffset").get("purchases");
        end.put("0", sentinel);
        latest.put("0", 100);
        latest.put("1", sentinel);
        long partition2 = latest.get("2").asLong() - end.get("2").asLong();

        SourceLag lag = ProgressSignals.from(progress).sources().get(0);

        assertThat(lag.kind()).isEqualTo("kafka");
        assertThat(lag.partitions()).extracting(TopicPartitionOffset::partition).containsExactly(2);
        assertThat(lag.recordsBehind()).isEqualTo(partition2);
    }

    @Test
    void kafkaWithOnlySentinelOffsetsHasUnknownRecordsBehind() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        ObjectNode source = (ObjectNode) progress.get("sources").get(0);
        ObjectNode end = (ObjectNode) source.get("endOffset").get("purchases");
        for (String partition : new String[] {"0", "1", "2"}) {
            end.put(partition, -1);
        }

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.sources().get(0).kind()).isEqualTo("kafka");
        assertThat(signals.sources().get(0).recordsBehind()).isNull();
        assertThat(signals.recordsBehindLatest()).isNull();
    }

    @Test
    void anOlderListenersRateLagIsNotReadBackAsRecords() {
        // What a listener before the fix wrote for a rate source: seconds as records, no kind, summed in the total.
        ObjectNode old = Fixtures.JSON.createObjectNode().put("batchId", 4).put("numInputRows", 10)
                .put("inputRowsPerSecond", 5.0).put("processedRowsPerSecond", 6.0).put("recordsBehindLatest", 137);
        old.putArray("sources").addObject().put("index", 0).put("description", "RateStreamV2[rowsPerSecond=50]")
                .put("recordsBehindLatest", 137).putArray("partitions");

        ProgressSignals read = ProgressSignals.fromJson(old);

        assertThat(read.sources().get(0).kind()).isEqualTo("RateStreamV2");
        assertThat(read.sources().get(0).recordsBehind()).isNull();
        assertThat(read.recordsBehindLatest()).isNull();
    }

    @Test
    void kindReadsBackFromTheEventJson() {
        ProgressSignals written = ProgressSignals.from(Fixtures.json(KAFKA_BATCH_3));

        SourceLag back = SourceLag.fromJson(Fixtures.signalsJson(written).get("sources").get(0));

        assertThat(back.kind()).isEqualTo("kafka");
        assertThat(back).isEqualTo(written.sources().get(0));
    }

    // ---------------------------------------------------------------- issue 7, finding 9: an unknown rate is not 0

    @Test
    void aRateSparkLeftOutIsUnknownNotZero() {
        ObjectNode progress = Fixtures.object(KAFKA_BATCH_3);
        progress.remove("inputRowsPerSecond"); // Spark omits a NaN rate (no time elapsed)
        progress.remove("processedRowsPerSecond");

        ProgressSignals signals = ProgressSignals.from(progress);

        assertThat(signals.inputRowsPerSecond()).isNaN();
        assertThat(signals.processedRowsPerSecond()).isNaN();
        ObjectNode json = Fixtures.signalsJson(signals);
        assertThat(json.get("inputRowsPerSecond").isNull()).isTrue();
        assertThat(json.get("processedRowsPerSecond").isNull()).isTrue();
        ProgressSignals read = ProgressSignals.fromJson(json);
        assertThat(read.inputRowsPerSecond()).isNaN();
        assertThat(read.processedRowsPerSecond()).isNaN();
    }

    // ---------------------------------------------------------------- helpers

    /** One Kafka partition as the fixture itself states it. */
    private static final class Expected {
        final String topic;
        final int partition;
        final long end;
        final long latest;

        Expected(String topic, int partition, long end, long latest) {
            this.topic = topic;
            this.partition = partition;
            this.end = end;
            this.latest = latest;
        }

        long behind() {
            return latest - end;
        }
    }

    /** Partitions present in both endOffset and latestOffset, sorted by topic then partition. */
    private static List<Expected> expectedPartitions(JsonNode source) {
        JsonNode end = source.get("endOffset");
        JsonNode latest = source.get("latestOffset");
        List<Expected> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> topics = latest.fields(); topics.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = topics.next();
            for (Iterator<Map.Entry<String, JsonNode>> parts = topic.getValue().fields(); parts.hasNext(); ) {
                Map.Entry<String, JsonNode> part = parts.next();
                JsonNode endOffset = end.path(topic.getKey()).path(part.getKey());
                if (endOffset.isIntegralNumber()) {
                    out.add(new Expected(topic.getKey(), Integer.parseInt(part.getKey()),
                            endOffset.asLong(), part.getValue().asLong()));
                }
            }
        }
        out.sort(Comparator.<Expected, String>comparing(e -> e.topic).thenComparingInt(e -> e.partition));
        return out;
    }

    private static List<Tuple> tuples(List<Expected> expected) {
        List<Tuple> out = new ArrayList<>();
        for (Expected e : expected) {
            out.add(tuple(e.topic, e.partition, e.end, e.latest, e.behind()));
        }
        return out;
    }

    private static long sum(JsonNode progress, String stateField) {
        long total = 0;
        for (JsonNode op : progress.get("stateOperators")) {
            total += op.get(stateField).asLong();
        }
        return total;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** What the offsets look like on Spark's Java {@code SourceProgress}: JSON text in a string. */
    private static void stringifyOffsets(ObjectNode source) {
        for (String field : new String[] {"startOffset", "endOffset", "latestOffset"}) {
            JsonNode value = source.get(field);
            if (value != null && !value.isNull()) {
                source.set(field, new TextNode(value.toString()));
            }
        }
    }
}
