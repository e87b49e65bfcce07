package io.streamops.exporter.signals;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One signal of a query: its name in rules (a CEL variable), its type, what it means, the fleet series
 * that shows it on /metrics (none for texts, flags and maps), and how to read it from {@link Signals}.
 *
 * <p>{@link #ALL} is the one table of signals. The variables rules see ({@link Signals#toVariables()}),
 * their CEL declarations ({@code rules/SignalVariables}), the fleet series ({@code fleet/FleetCollector})
 * and the variables table of alert-rules/README.md (checked by {@code SignalTableDocTest}) all come from
 * it, so a signal is added, renamed or explained here and nowhere else. The meanings are Markdown, as the
 * rules documentation shows them.
 *
 * @param metric the fleet series ({@code job}, {@code query} and {@code query_id} labels); null for none
 */
public record Signal(String name, SignalType type, Metric metric, Function<Signals, Object> value, String meaning) {

    /** A fleet series on the exporter's /metrics: its name and help text. */
    public record Metric(String name, String help) {
        public Metric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(help, "help");
        }
    }

    /** Every signal, in the order the rules documentation lists them. */
    public static final List<Signal> ALL = List.of(
            new Signal("job", SignalType.STRING, null, Signals::job,
                    "the job name (`spark.streamops.job`, or the app name)"),
            new Signal("query", SignalType.STRING, null, Signals::queryLabel,
                    "the query name, or its id when unnamed"),
            new Signal("query_id", SignalType.STRING, null, Signals::queryId,
                    "the query id (stable across restarts from a checkpoint)"),
            new Signal("run_id", SignalType.STRING, null, Signals::runId,
                    "the id of the current run (new each start)"),
            new Signal("tags", SignalType.STRING_MAP, null, Signals::tags,
                    "the job's `spark.streamops.tags.*`"),
            new Signal("status", SignalType.STRING, null, s -> s.status().wireName(),
                    "`active`, `idle`, `stalled`, `failed`, `stopped` or `driver_lost` (below)"),
            new Signal("input_rate", SignalType.DOUBLE, new Metric("streamops_fleet_query_input_rows_per_second", "Input rate averaged over the window"), Signals::inputRate,
                    "input rows per second over the window"),
            new Signal("processing_rate", SignalType.DOUBLE, new Metric("streamops_fleet_query_processed_rows_per_second", "Processing rate averaged over the window"), Signals::processingRate,
                    "processed rows per second over the window"),
            new Signal("rate_ratio", SignalType.DOUBLE, new Metric("streamops_fleet_query_rate_ratio", "Processing rate / input rate over the window"), Signals::rateRatio,
                    "`processing_rate / input_rate` over the window (NaN without input)"),
            new Signal("batch_duration_seconds", SignalType.DOUBLE, new Metric("streamops_fleet_query_batch_duration_seconds", "Duration of the last micro-batch"), Signals::batchDurationSeconds,
                    "duration of the last micro-batch (`triggerExecution`)"),
            new Signal("trigger_interval_seconds", SignalType.DOUBLE, new Metric("streamops_fleet_query_trigger_interval_seconds", "ProcessingTime trigger interval"), Signals::triggerIntervalSeconds,
                    "the ProcessingTime trigger interval from the heartbeat: 0 means as fast as possible, NaN means unknown or a one-shot trigger"),
            new Signal("records_behind", SignalType.DOUBLE, new Metric("streamops_fleet_query_records_behind_latest", "Records behind latest, all sources"), Signals::recordsBehind,
                    "records behind latest, summed over the Kafka sources (`latestOffset - endOffset` per partition). Only Kafka's offsets count records: a rate source's count seconds and a file source's log entries, so other sources add nothing, and a query with no Kafka source has NaN"),
            new Signal("max_partition_records_behind", SignalType.DOUBLE, null, Signals::maxPartitionRecordsBehind,
                    "records behind latest of the furthest-behind Kafka partition of any source (NaN when no source reports partitions): compare it with `records_behind` to see skew"),
            new Signal("topic_records_behind", SignalType.DOUBLE_MAP, null, Signals::topicRecordsBehind,
                    "records behind latest per Kafka topic, summed over its partitions: `\"orders\" in topic_records_behind && topic_records_behind[\"orders\"] > 1e6` (a missing key is an evaluation error, so test with `in` first)"),
            new Signal("records_behind_growth_per_minute", SignalType.DOUBLE, new Metric("streamops_fleet_query_records_behind_growth_per_minute", "Change of records behind per minute"), Signals::recordsBehindGrowthPerMinute,
                    "change of `records_behind` per minute over the window (positive: falling further behind)"),
            new Signal("time_behind_seconds", SignalType.DOUBLE, new Metric("streamops_fleet_query_time_behind_seconds", "Records behind / processing rate"), Signals::timeBehindSeconds,
                    "`records_behind / processing_rate`: how long the backlog takes at the current rate. 0 with nothing behind; `+Inf` when records are behind and the processing rate is 0 (a stuck query, so `time_behind_seconds > 300.0` fires on it); NaN when either is unknown. A batch whose rates Spark left out (no time to divide by) is left out of the window's rates rather than counted as 0"),
            new Signal("watermark_delay_seconds", SignalType.DOUBLE, new Metric("streamops_fleet_query_watermark_delay_seconds", "Batch time minus watermark"), Signals::watermarkDelaySeconds,
                    "batch time minus the event-time watermark (NaN before the first watermark)"),
            new Signal("state_rows", SignalType.DOUBLE, new Metric("streamops_fleet_query_state_rows", "Rows in state, all operators"), Signals::stateRows,
                    "rows held in state, over all stateful operators"),
            new Signal("state_memory_bytes", SignalType.DOUBLE, new Metric("streamops_fleet_query_state_memory_bytes", "State memory, all operators"), Signals::stateMemoryBytes,
                    "memory used by state, over all stateful operators"),
            new Signal("state_memory_growth_bytes_per_minute", SignalType.DOUBLE, new Metric("streamops_fleet_query_state_memory_growth_bytes_per_minute", "Change of state memory per minute"), Signals::stateMemoryGrowthBytesPerMinute,
                    "change of `state_memory_bytes` per minute over the window"),
            new Signal("state_rows_growth_per_minute", SignalType.DOUBLE, new Metric("streamops_fleet_query_state_rows_growth_per_minute", "Change of state rows per minute"), Signals::stateRowsGrowthPerMinute,
                    "change of `state_rows` per minute over the window"),
            new Signal("seconds_since_progress", SignalType.DOUBLE, new Metric("streamops_fleet_query_seconds_since_progress", "Seconds since the last progress"), Signals::secondsSinceProgress,
                    "seconds since the last progress event"),
            new Signal("seconds_since_heartbeat", SignalType.DOUBLE, new Metric("streamops_fleet_query_seconds_since_heartbeat", "Seconds since the last heartbeat"), Signals::secondsSinceHeartbeat,
                    "seconds since the last heartbeat"),
            new Signal("listener_dropped_events", SignalType.DOUBLE, new Metric("streamops_fleet_query_listener_dropped_events", "Events the listener reported dropping between its last two heartbeats"), Signals::listenerDroppedEvents,
                    "events the listener in the driver reported dropping between its last two heartbeats (any reason)"),
            new Signal("consecutive_failures", SignalType.INT, new Metric("streamops_fleet_query_consecutive_failures", "Failed runs in a row"), Signals::consecutiveFailures,
                    "runs in a row that ended in failure (0 after a run that did not fail)"),
            new Signal("trigger_active", SignalType.BOOL, null, Signals::triggerActive,
                    "a trigger is executing (from the heartbeat)"),
            new Signal("data_available", SignalType.BOOL, null, Signals::dataAvailable,
                    "the sources have new data (from the heartbeat)"),
            new Signal("exception_message", SignalType.STRING, null, Signals::exceptionMessage,
                    "the first line of the failure's exception (`\"\"` if none)"),
            new Signal("error_class", SignalType.STRING, null, Signals::errorClass,
                    "Spark's error class of the failure, such as `TASK_WRITE_FAILED` (`\"\"` if none)"));

    public Signal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(meaning, "meaning");
        Objects.requireNonNull(value, "value");
        if (metric != null && type != SignalType.DOUBLE && type != SignalType.INT) {
            throw new IllegalArgumentException(name + ": only a number can be a fleet series, not a " + type.celName());
        }
    }

    /** The fleet series' value of a numeric signal. */
    public double number(Signals signals) {
        return ((Number) value.apply(signals)).doubleValue();
    }
}
