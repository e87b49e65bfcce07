package io.streamops.exporter.fleet;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;
import io.streamops.exporter.alert.AlertState;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signal;
import io.streamops.exporter.signals.Signals;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fleet series on the exporter's /metrics: one set per query this instance owns, from the signals of
 * the last once-a-second pass, labelled job / query / query_id. Prometheus scrapes the exporters (each
 * owns its share of the queries) instead of chasing short-lived drivers. Records behind also comes per
 * source ({@code source} = its index in the query, {@code description} = Spark's) and, when asked
 * for, per Kafka partition. The alerts the exporter's own rules have firing on each query come as
 * {@code streamops_fleet_query_alert_firing} (1 while firing, like Prometheus's {@code ALERTS}), so a
 * dashboard shows them without the Prometheus rules.
 */
public final class FleetCollector implements MultiCollector {
    /** The signals shown as fleet series: those of the table that name one. */
    private static final List<Signal> SERIES = Signal.ALL.stream().filter(signal -> signal.metric() != null).toList();

    private final Supplier<List<Signals>> queries;
    private final Supplier<Map<String, QueryAlertState>> alerts;
    private final boolean partitionLag;

    /** Without the exporter's alerts (no alert_firing points): for signals that no rules ran on. */
    public FleetCollector(Supplier<List<Signals>> queries, boolean partitionLag) {
        this(queries, Map::of, partitionLag);
    }

    /** @param alerts the state of the queries' alerts by query id; a query missing from it has none firing */
    public FleetCollector(Supplier<List<Signals>> queries, Supplier<Map<String, QueryAlertState>> alerts, boolean partitionLag) {
        this.queries = queries;
        this.alerts = alerts;
        this.partitionLag = partitionLag;
    }

    @Override
    public MetricSnapshots collect() {
        List<Signals> all = queries.get();
        List<Labels> labels = all.stream().map(FleetCollector::labels).toList(); // once per query, not per series
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (Signal series : SERIES) {
            GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(series.metric().name()).help(series.metric().help());
            for (int i = 0; i < all.size(); i++) {
                gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels.get(i)).value(series.number(all.get(i))).build());
            }
            out.metricSnapshot(gauge.build());
        }
        GaugeSnapshot.Builder status = GaugeSnapshot.builder().name("streamops_fleet_query_status")
                .help("1 for the query's current status");
        for (int i = 0; i < all.size(); i++) {
            Signals s = all.get(i);
            for (QueryStatus candidate : QueryStatus.values()) {
                status.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels.get(i).add("status", candidate.wireName()))
                        .value(candidate == s.status() ? 1 : 0).build());
            }
        }
        out.metricSnapshot(status.build());
        out.metricSnapshot(firing(all, labels));
        GaugeSnapshot.Builder sources = GaugeSnapshot.builder().name("streamops_fleet_query_source_records_behind_latest")
                .help("Records behind latest, per Kafka source of the query (other kinds' offsets are not records)");
        GaugeSnapshot.Builder partitions = GaugeSnapshot.builder().name("streamops_fleet_query_partition_records_behind_latest")
                .help("Records behind latest, per Kafka topic-partition of the query");
        for (int i = 0; i < all.size(); i++) {
            Labels query = labels.get(i);
            for (SourceLag source : all.get(i).sources()) {
                if (source.recordsBehind() != null) {
                    sources.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(query.add("source", Integer.toString(source.index())).add("kind", source.kind())
                                    .add("description", source.description() == null ? "" : source.description()))
                            .value(source.recordsBehind()).build());
                }
                if (partitionLag) {
                    for (TopicPartitionOffset p : source.partitions()) {
                        partitions.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                                // `source` too: two sources of one query may read the same topic-partition.
                                .labels(query.add("source", Integer.toString(source.index()))
                                        .add("topic", p.topic()).add("partition", Integer.toString(p.partition())))
                                .value(p.recordsBehind()).build());
                    }
                }
            }
        }
        out.metricSnapshot(sources.build());
        if (partitionLag) {
            out.metricSnapshot(partitions.build());
        }
        return out.build();
    }

    /** One point per alert firing on an owned query: alertname and severity as the exporter's alert has them. */
    private GaugeSnapshot firing(List<Signals> all, List<Labels> labels) {
        Map<String, QueryAlertState> states = alerts.get();
        GaugeSnapshot.Builder firing = GaugeSnapshot.builder().name("streamops_fleet_query_alert_firing")
                .help("1 for each alert the exporter's rules have firing on the query");
        for (int i = 0; i < all.size(); i++) {
            QueryAlertState state = states.get(all.get(i).queryId());
            if (state == null) {
                continue;
            }
            for (Map.Entry<String, AlertState> alert : state.alerts().entrySet()) {
                if (alert.getValue().isFiring()) {
                    // The severity is what the alert fired with (a reload may since have changed the rule).
                    String severity = alert.getValue().fired() == null ? "" : alert.getValue().fired().severity();
                    firing.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels.get(i).add("alertname", alert.getKey()).add("severity", severity))
                            .value(1).build());
                }
            }
        }
        return firing.build();
    }

    private static Labels labels(Signals s) {
        return Labels.of("job", s.job(), "query", s.queryLabel(), "query_id", s.queryId());
    }
}
