package io.streamops.exporter.rules;

import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Signals} for tests: {@link #healthy()} is a query keeping up comfortably, {@link #idle()}
 * one with no new data for an hour; tests change only the fields they are about.
 */
final class TestSignals {

    String job = "grocery-orders";
    String queryId = "11111111-2222-3333-4444-555555555555";
    String queryName = "cough-syrup-alerts";
    String runId = "run-1";
    Map<String, String> tags = new HashMap<>(Map.of("env", "prod", "team", "data"));
    QueryStatus status = QueryStatus.ACTIVE;
    double inputRate = 1000;
    double processingRate = 1200;
    double rateRatio = 1.2;
    double batchDurationSeconds = 2;
    double triggerIntervalSeconds = 10;
    double recordsBehind = 500;
    double recordsBehindGrowthPerMinute = -20;
    double timeBehindSeconds = 0.4;
    double watermarkDelaySeconds = 600;
    double stateRows = 100_000;
    double stateMemoryBytes = 50e6;
    double stateMemoryGrowthBytesPerMinute = 0;
    double stateRowsGrowthPerMinute = 0;
    double secondsSinceProgress = 8;
    double secondsSinceHeartbeat = 4;
    long consecutiveFailures = 0;
    boolean triggerActive = false;
    boolean dataAvailable = true;
    String exceptionMessage = "";
    String errorClass = "";
    double listenerDroppedEvents = 0;
    /** One Kafka source reading "purchases", its three partitions 100, 150 and 250 behind (500 in all). */
    List<SourceLag> sources = List.of(new SourceLag(0, "KafkaV2[Subscribe[purchases]]", 500L, List.of(
            new TopicPartitionOffset("purchases", 0, 900, 1000),
            new TopicPartitionOffset("purchases", 1, 850, 1000),
            new TopicPartitionOffset("purchases", 2, 750, 1000))));

    static TestSignals healthy() {
        return new TestSignals();
    }

    /** Running, no new data for an hour: no rates, no batches, nothing behind. */
    static TestSignals idle() {
        TestSignals s = new TestSignals();
        s.status = QueryStatus.IDLE;
        s.inputRate = 0;
        s.processingRate = 0;
        s.rateRatio = Double.NaN;
        s.recordsBehind = 0;
        s.sources = List.of(new SourceLag(0, "KafkaV2[Subscribe[purchases]]", 0L,
                List.of(new TopicPartitionOffset("purchases", 0, 1000, 1000))));
        s.recordsBehindGrowthPerMinute = 0;
        s.timeBehindSeconds = Double.NaN;
        s.secondsSinceProgress = 3600;
        s.triggerActive = false;
        s.dataAvailable = false;
        return s;
    }

    /** Nothing known yet but the identity: every number NaN. */
    static TestSignals unknown() {
        TestSignals s = new TestSignals();
        s.inputRate = s.processingRate = s.rateRatio = s.batchDurationSeconds = s.triggerIntervalSeconds = Double.NaN;
        s.recordsBehind = s.recordsBehindGrowthPerMinute = s.timeBehindSeconds = s.watermarkDelaySeconds = Double.NaN;
        s.stateRows = s.stateMemoryBytes = s.stateMemoryGrowthBytesPerMinute = s.stateRowsGrowthPerMinute = Double.NaN;
        s.secondsSinceProgress = s.secondsSinceHeartbeat = s.listenerDroppedEvents = Double.NaN;
        s.sources = List.of();
        return s;
    }

    TestSignals with(java.util.function.Consumer<TestSignals> change) {
        change.accept(this);
        return this;
    }

    Signals build() {
        return new Signals(job, queryId, queryName, runId, tags, status, inputRate, processingRate, rateRatio,
                batchDurationSeconds, triggerIntervalSeconds, recordsBehind, recordsBehindGrowthPerMinute,
                timeBehindSeconds, watermarkDelaySeconds, stateRows, stateMemoryBytes, stateMemoryGrowthBytesPerMinute, stateRowsGrowthPerMinute,
                secondsSinceProgress, secondsSinceHeartbeat, consecutiveFailures, triggerActive, dataAvailable,
                exceptionMessage, errorClass, listenerDroppedEvents, sources);
    }
}
