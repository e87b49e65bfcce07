package io.streamops.exporter.signals;

import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a rule can test about one query at one instant: the input of rule evaluation, computed
 * from the query's state by the exporter. Numbers that are not known are {@code NaN} (so comparisons
 * with them are false and a rule never fires on a missing value); strings that are not known are "".
 *
 * <p>{@link #toVariables()} gives the CEL variables, named in snake_case, as the table of signals
 * ({@link Signal#ALL}) says.
 */
public record Signals(
        String job,
        String queryId,
        String queryName,
        String runId,
        Map<String, String> tags,
        QueryStatus status,
        /** Input rows per second, averaged over the window. */
        double inputRate,
        /** Processed rows per second, averaged over the window. */
        double processingRate,
        /** processingRate / inputRate over the window (NaN when no input). */
        double rateRatio,
        double batchDurationSeconds,
        /** The ProcessingTime trigger interval, from the heartbeat (NaN when unknown, 0 as fast as possible). */
        double triggerIntervalSeconds,
        double recordsBehind,
        /** Change of records behind per minute over the window (positive: falling further behind). */
        double recordsBehindGrowthPerMinute,
        /** recordsBehind / processingRate. */
        double timeBehindSeconds,
        double watermarkDelaySeconds,
        double stateRows,
        double stateMemoryBytes,
        /** Change of state memory per minute over the window. */
        double stateMemoryGrowthBytesPerMinute,
        /** Change of state rows per minute over the window. */
        double stateRowsGrowthPerMinute,
        double secondsSinceProgress,
        double secondsSinceHeartbeat,
        long consecutiveFailures,
        boolean triggerActive,
        boolean dataAvailable,
        String exceptionMessage,
        String errorClass,
        /** Events the listener reported dropping between its last two heartbeats (any reason). */
        double listenerDroppedEvents,
        /** Records behind latest per source of the last progress, with Kafka partitions where the source has them. */
        List<SourceLag> sources) {

    public Signals {
        tags = Map.copyOf(tags);
        sources = List.copyOf(sources);
        queryName = queryName == null ? "" : queryName;
        exceptionMessage = exceptionMessage == null ? "" : exceptionMessage;
        errorClass = errorClass == null ? "" : errorClass;
        runId = runId == null ? "" : runId;
    }

    /** The query's display name: its name, or its id when unnamed. */
    public String queryLabel() {
        return queryName.isEmpty() ? queryId : queryName;
    }

    /** The most records behind of any one Kafka partition (NaN when no source reports partitions): skew shows here. */
    public double maxPartitionRecordsBehind() {
        double max = Double.NaN;
        for (SourceLag source : sources) {
            for (TopicPartitionOffset p : source.partitions()) {
                max = Double.isNaN(max) ? p.recordsBehind() : Math.max(max, p.recordsBehind());
            }
        }
        return max;
    }

    /** Records behind per Kafka topic, summed over its partitions (and over sources reading the same topic). */
    public Map<String, Double> topicRecordsBehind() {
        Map<String, Double> out = new TreeMap<>();
        for (SourceLag source : sources) {
            for (TopicPartitionOffset p : source.partitions()) {
                out.merge(p.topic(), (double) p.recordsBehind(), Double::sum);
            }
        }
        return out;
    }

    /** CEL variables: the names rules use, one per {@link Signal} of the table. */
    public Map<String, Object> toVariables() {
        Map<String, Object> v = new HashMap<>();
        for (Signal signal : Signal.ALL) {
            v.put(signal.name(), signal.value().apply(this));
        }
        return v;
    }
}
