package io.streamops.exporter.signals;

import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Signals} for tests: {@link #healthy()} is a query keeping up comfortably, {@link #idle()}
 * one with no new data for an hour; tests change only the fields they are about.
 */
public final class TestSignals {

    public String job = "grocery-orders";
    public String queryId = "11111111-2222-3333-4444-555555555555";
    public String queryName = "cough-syrup-alerts";
    public String runId = "run-1";
    public Map<String, String> tags = new HashMap<>(Map.of("env", "prod", "team", "data"));
    public QueryStatus status = QueryStatus.ACTIVE;
    public double inputRate = 1000;
    public double processingRate = 1200;
    public double rateRatio = 1.2;
    public double batchDurationSeconds = 2;
    public double triggerIntervalSeconds = 10;
    public double recordsBehind = 500;
    public double recordsBehindGrowthPerMinute = -20;
    public double timeBehindSeconds = 0.4;
    public double watermarkDelaySeconds = 600;
    public double stateRows = 100_000;
    public double stateMemoryBytes = 50e6;
    public double stateMemoryGrowthBytesPerMinute = 0;
    public double stateRowsGrowthPerMinute = 0;
    public double secondsSinceProgress = 8;
    public double secondsSinceHeartbeat = 4;
    public long consecutiveFailures = 0;
    public boolean triggerActive = false;
    public boolean dataAvailable = true;
    public String exceptionMessage = "";
    public String errorClass = "";
    public double listenerDroppedEvents = 0;
    /** One Kafka source reading "purchases", its three partitions 100, 150 and 250 behind (500 in all). */
    public List<SourceLag> sources = List.of(new SourceLag(0, "KafkaV2[Subscribe[purchases]]", 500L, List.of(
            new TopicPartitionOffset("purchases", 0, 900, 1000),
            new TopicPartitionOffset("purchases", 1, 850, 1000),
            new TopicPartitionOffset("purchases", 2, 750, 1000))));

    public static TestSignals healthy() {
        return new TestSignals();
    }

    /** Running, no new data for an hour: no rates, no batches, nothing behind. */
    public static TestSignals idle() {
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
    public static TestSignals unknown() {
        TestSignals s = new TestSignals();
        s.inputRate = s.processingRate = s.rateRatio = s.batchDurationSeconds = s.triggerIntervalSeconds = Double.NaN;
        s.recordsBehind = s.recordsBehindGrowthPerMinute = s.timeBehindSeconds = s.watermarkDelaySeconds = Double.NaN;
        s.stateRows = s.stateMemoryBytes = s.stateMemoryGrowthBytesPerMinute = s.stateRowsGrowthPerMinute = Double.NaN;
        s.secondsSinceProgress = s.secondsSinceHeartbeat = s.listenerDroppedEvents = Double.NaN;
        s.sources = List.of();
        return s;
    }

    public TestSignals with(java.util.function.Consumer<TestSignals> change) {
        change.accept(this);
        return this;
    }

    public Signals build() {
        return new Signals(job, queryId, queryName, runId, tags, status, inputRate, processingRate, rateRatio,
                batchDurationSeconds, triggerIntervalSeconds, recordsBehind, recordsBehindGrowthPerMinute,
                timeBehindSeconds, watermarkDelaySeconds, stateRows, stateMemoryBytes, stateMemoryGrowthBytesPerMinute, stateRowsGrowthPerMinute,
                secondsSinceProgress, secondsSinceHeartbeat, consecutiveFailures, triggerActive, dataAvailable,
                exceptionMessage, errorClass, listenerDroppedEvents, sources);
    }
}
