package io.streamops.exporter.rules;

import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.List;

/**
 * The variables a rule expression can use, with their CEL types: exactly the keys of
 * {@link io.streamops.exporter.signals.Signals#toVariables()}. This list is what the CEL environment
 * declares, so a misspelt name is a load-time error rather than a rule that silently never fires.
 * alert-rules/README.md documents the same list (a test keeps the three in step).
 */
public final class SignalVariables {

    /** One variable: its name in rules, its CEL type, and what it means. */
    public record Variable(String name, CelType type, String meaning) {
        /** The CEL spelling of the type: {@code double}, {@code int}, {@code bool}, {@code string}, {@code map(string, string)}. */
        public String typeName() {
            return type instanceof MapType map
                    ? "map(" + map.keyType().name() + ", " + map.valueType().name() + ")"
                    : type.name();
        }
    }

    private static final CelType STRING = SimpleType.STRING;
    private static final CelType DOUBLE = SimpleType.DOUBLE;

    public static final List<Variable> ALL = List.of(
            new Variable("job", STRING, "the job name (spark.streamops.job, or the app name)"),
            new Variable("query", STRING, "the query name, or its id when unnamed"),
            new Variable("query_id", STRING, "the query id (stable across restarts from a checkpoint)"),
            new Variable("run_id", STRING, "the id of the current run (new each start)"),
            new Variable("tags", MapType.create(STRING, STRING), "the job's spark.streamops.tags.*"),
            new Variable("status", STRING, "active, idle, stalled, failed, stopped or driver_lost"),
            new Variable("input_rate", DOUBLE, "input rows per second over the window"),
            new Variable("processing_rate", DOUBLE, "processed rows per second over the window"),
            new Variable("rate_ratio", DOUBLE, "processing_rate / input_rate over the window (NaN without input)"),
            new Variable("batch_duration_seconds", DOUBLE, "duration of the last micro-batch"),
            new Variable("trigger_interval_seconds", DOUBLE, "the ProcessingTime trigger interval (0: as fast as possible)"),
            new Variable("records_behind", DOUBLE, "records behind latest, summed over the sources"),
            new Variable("max_partition_records_behind", DOUBLE, "records behind latest of the furthest-behind Kafka partition (NaN without partitions)"),
            new Variable("topic_records_behind", MapType.create(STRING, DOUBLE), "records behind latest per Kafka topic, e.g. topic_records_behind[\"orders\"]"),
            new Variable("records_behind_growth_per_minute", DOUBLE, "change of records_behind per minute over the window"),
            new Variable("time_behind_seconds", DOUBLE, "records_behind / processing_rate"),
            new Variable("watermark_delay_seconds", DOUBLE, "batch time minus the event-time watermark"),
            new Variable("state_rows", DOUBLE, "rows held in state, all stateful operators"),
            new Variable("state_memory_bytes", DOUBLE, "memory used by state, all stateful operators"),
            new Variable("state_memory_growth_bytes_per_minute", DOUBLE, "change of state_memory_bytes per minute over the window"),
            new Variable("state_rows_growth_per_minute", DOUBLE, "change of state_rows per minute over the window"),
            new Variable("seconds_since_progress", DOUBLE, "seconds since the last progress event"),
            new Variable("seconds_since_heartbeat", DOUBLE, "seconds since the last heartbeat"),
            new Variable("listener_dropped_events", DOUBLE, "events the listener reported dropping between its last two heartbeats"),
            new Variable("consecutive_failures", SimpleType.INT, "failed runs in a row (0 after a run that did not fail)"),
            new Variable("trigger_active", SimpleType.BOOL, "a trigger is executing (from the heartbeat)"),
            new Variable("data_available", SimpleType.BOOL, "the sources have new data (from the heartbeat)"),
            new Variable("exception_message", STRING, "the first line of the failure's exception (\"\" if none)"),
            new Variable("error_class", STRING, "Spark's error class of the failure (\"\" if none)"));

    private SignalVariables() {}
}
