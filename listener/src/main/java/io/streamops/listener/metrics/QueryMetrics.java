package io.streamops.listener.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.streamops.events.ProgressSignals;
import io.streamops.events.SourceLag;
import io.streamops.events.Heartbeat;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.ProgressEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.TopicPartitionOffset;
import io.streamops.listener.capture.ObservedEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Per-query gauges and counters on the driver, labelled job / query / query_id (never app id or run
 * id: those change every run and would break every dashboard). Called from the dispatcher thread only;
 * scrapes read the volatile values from other threads.
 */
public final class QueryMetrics {
    /** The values of {@code streamops_query_status{status=...}}: one is 1, the others 0. */
    static final String[] STATUSES = {"active", "idle", "stopped", "failed"};

    private final MeterRegistry registry;
    private final String job;
    private final boolean partitionMetrics;
    private final Map<UUID, QueryMeters> queries = new HashMap<>();

    public QueryMetrics(MeterRegistry registry, String job, boolean partitionMetrics) {
        this.registry = registry;
        this.job = job;
        this.partitionMetrics = partitionMetrics;
    }

    public void record(ObservedEvent e) {
        QueryMeters q = queries.get(e.queryId);
        if (q == null) {
            q = new QueryMeters(e.queryId, e.queryName());
            queries.put(e.queryId, q);
        }
        switch (e.type()) {
            case STARTED:
                q.status = "active";
                break;
            case PROGRESS:
                q.status = "active";
                ProgressEvent progress = (ProgressEvent) e.event;
                q.progress(progress.signals(), progress.progress(), e.capturedAtMillis);
                break;
            case IDLE:
                q.status = "idle";
                break;
            case TERMINATED:
                q.status = ((TerminatedEvent) e.event).termination().outcome().wireName();
                q.triggerActive = 0;
                break;
            case HEARTBEAT:
                Heartbeat.Status status = ((HeartbeatEvent) e.event).heartbeat().status();
                if (status != null) {
                    q.triggerActive = status.triggerActive() ? 1 : 0;
                    q.dataAvailable = status.dataAvailable() ? 1 : 0;
                }
                break;
            default:
                break;
        }
    }

    /** Removes every series of a query (after its terminated grace period). */
    public void remove(UUID queryId) {
        QueryMeters q = queries.remove(queryId);
        if (q != null) {
            for (Meter meter : q.meters) {
                registry.remove(meter);
            }
        }
    }

    /** Holds one query's current values; gauges read them at scrape time. */
    private final class QueryMeters {
        final Tags tags;
        final List<Meter> meters = new ArrayList<>();
        volatile String status = "active";
        volatile double inputRate;
        volatile double processedRate;
        volatile double batchDurationSeconds = Double.NaN;
        volatile double batchInputRows;
        volatile double batchId = Double.NaN;
        volatile double recordsBehind = Double.NaN;
        volatile double watermarkDelaySeconds = Double.NaN;
        volatile long lastProgressAtMillis = -1;
        volatile double triggerActive = Double.NaN;
        volatile double dataAvailable = Double.NaN;
        final Counter inputRows;
        final Map<String, Holder> phases = new HashMap<>();
        final Map<String, Holder> sources = new HashMap<>();
        final Map<String, Holder> operators = new HashMap<>();
        final Map<String, Holder> partitions = new HashMap<>();
        final Map<String, Counter> droppedByWatermark = new HashMap<>();

        QueryMeters(UUID id, String name) {
            tags = Tags.of("job", job, "query", name != null ? name : id.toString(), "query_id", id.toString());
            gauge("streamops.query.input.rows.per.second", "Input rate of the last batch", null, q -> q.inputRate);
            gauge("streamops.query.processed.rows.per.second", "Processing rate of the last batch", null, q -> q.processedRate);
            gauge("streamops.query.batch.duration", "Duration of the last micro-batch (triggerExecution)", "seconds", q -> q.batchDurationSeconds);
            gauge("streamops.query.batch.input.rows", "Rows read by the last micro-batch", null, q -> q.batchInputRows);
            gauge("streamops.query.batch.id", "Id of the last completed micro-batch", null, q -> q.batchId);
            gauge("streamops.query.records.behind.latest", "Records behind latest summed over sources that report offsets", null, q -> q.recordsBehind);
            gauge("streamops.query.watermark.delay", "Batch time minus event-time watermark", "seconds", q -> q.watermarkDelaySeconds);
            gauge("streamops.query.seconds.since.last.progress", "Seconds since the last progress event", null,
                    q -> q.lastProgressAtMillis < 0 ? Double.NaN : (System.currentTimeMillis() - q.lastProgressAtMillis) / 1000.0);
            gauge("streamops.query.trigger.active", "1 while a trigger is executing (from the heartbeat)", null, q -> q.triggerActive);
            gauge("streamops.query.data.available", "1 when the sources have new data (from the heartbeat)", null, q -> q.dataAvailable);
            for (final String s : STATUSES) {
                meters.add(Gauge.builder("streamops.query.status", this, q -> s.equals(q.status) ? 1 : 0)
                        .description("1 for the query's current status")
                        .tags(tags).tag("status", s).register(registry));
            }
            inputRows = Counter.builder("streamops.query.input.rows").description("Rows read, all batches")
                    .tags(tags).register(registry);
            meters.add(inputRows);
        }

        private void gauge(String name, String help, String unit, java.util.function.ToDoubleFunction<QueryMeters> f) {
            meters.add(Gauge.builder(name, this, f).description(help).baseUnit(unit).tags(tags).register(registry));
        }

        void progress(ProgressSignals s, JsonNode progress, long atMillis) {
            inputRate = s.inputRowsPerSecond();
            processedRate = s.processedRowsPerSecond();
            batchDurationSeconds = s.batchDurationMs() == null ? Double.NaN : s.batchDurationMs() / 1000.0;
            batchInputRows = s.numInputRows();
            batchId = s.batchId();
            inputRows.increment(Math.max(0, s.numInputRows()));
            recordsBehind = s.recordsBehindLatest() == null ? Double.NaN : s.recordsBehindLatest();
            watermarkDelaySeconds = s.watermarkDelayMs() == null ? Double.NaN : s.watermarkDelayMs() / 1000.0;
            lastProgressAtMillis = atMillis;

            Iterator<Map.Entry<String, JsonNode>> durations = progress.path("durationMs").fields();
            while (durations.hasNext()) {
                Map.Entry<String, JsonNode> d = durations.next();
                String phase = d.getKey();
                holder(phases, phase, "streamops.query.batch.phase.duration", "Duration of one phase of the last micro-batch",
                        "seconds", () -> Tags.of("phase", phase)).value = d.getValue().asLong() / 1000.0;
            }
            for (SourceLag source : s.sources()) {
                holder(sources, String.valueOf(source.index()), "streamops.query.source.records.behind.latest",
                        "Records behind latest for one source", null,
                        () -> Tags.of("source_index", String.valueOf(source.index()), "source", source.description())).value =
                        source.recordsBehind() == null ? Double.NaN : source.recordsBehind();
                if (partitionMetrics) {
                    for (TopicPartitionOffset p : source.partitions()) {
                        holder(partitions, p.topic() + "/" + p.partition(), "streamops.query.partition.records.behind.latest",
                                "Records behind latest for one Kafka topic-partition", null,
                                () -> Tags.of("topic", p.topic(), "partition", String.valueOf(p.partition()))).value = p.recordsBehind();
                    }
                }
            }
            int index = 0;
            for (JsonNode op : progress.path("stateOperators")) {
                String key = String.valueOf(index);
                Supplier<Tags> opTags = () -> Tags.of("operator_index", key, "operator", op.path("operatorName").asText("unknown"));
                holder(operators, key + ":rows", "streamops.query.state.rows", "Rows in state for one stateful operator",
                        null, opTags).value = op.path("numRowsTotal").asDouble(0);
                holder(operators, key + ":memory", "streamops.query.state.memory", "Memory used by state for one stateful operator",
                        "bytes", opTags).value = op.path("memoryUsedBytes").asDouble(0);
                droppedCounter(key, opTags).increment(Math.max(0, op.path("numRowsDroppedByWatermark").asLong(0)));
                index++;
            }
        }

        /** A gauge created on first sight of a phase, source, partition or operator (its tags built only then). */
        private Holder holder(Map<String, Holder> map, String key, String name, String help, String unit, Supplier<Tags> extra) {
            Holder h = map.get(key);
            if (h == null) {
                h = new Holder();
                meters.add(Gauge.builder(name, h, x -> x.value).description(help).baseUnit(unit)
                        .tags(tags).tags(extra.get()).register(registry));
                map.put(key, h);
            }
            return h;
        }

        private Counter droppedCounter(String operatorIndex, Supplier<Tags> operatorTags) {
            Counter c = droppedByWatermark.get(operatorIndex);
            if (c == null) {
                c = Counter.builder("streamops.query.state.rows.dropped.by.watermark")
                        .description("Late rows dropped by the watermark, all batches")
                        .tags(tags).tags(operatorTags.get()).register(registry);
                meters.add(c);
                droppedByWatermark.put(operatorIndex, c);
            }
            return c;
        }
    }

    private static final class Holder {
        volatile double value = Double.NaN;
    }
}
