package io.streamops.exporter.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.streamops.events.EventCodec;
import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;
import io.streamops.exporter.alert.AlertTracker;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.query.QueryState;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.rules.RulesLoader;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.testkit.Promtool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lag per source and per Kafka partition on /metrics, from a real recorded run: the listener's end-to-end
 * test ran a query ("purchases-behind") reading a 3-partition topic faster than it could keep up.
 * Expected values are computed here from the event's own offsets.
 */
class FleetCollectorTest {
    private static final Path RECORDED = Path.of("src", "test", "resources", "recorded", "listener-e2e-run.jsonl");
    private static Signals behind;
    private static JsonNode worstProgress;

    /** Folds the recorded run up to the progress of "purchases-behind" that was furthest behind. */
    @BeforeAll
    static void foldUpToTheWorstMoment() throws Exception {
        EventParser parser = new EventParser(1024 * 1024);
        List<QueryEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(RECORDED, StandardCharsets.UTF_8)) {
            events.add(parser.parse(line.getBytes(StandardCharsets.UTF_8)).event());
        }
        events.sort(java.util.Comparator.comparing(QueryEvent::timestamp)); // as recorded: per query, not overall
        QueryEvent worst = events.stream()
                .filter(e -> "purchases-behind".equals(e.queryName()) && e.signals() != null
                        && e.signals().recordsBehindLatest() != null)
                .max(java.util.Comparator.comparingLong(e -> e.signals().recordsBehindLatest())).orElseThrow();
        assertThat(worst.signals().recordsBehindLatest()).as("the recording has a query behind").isPositive();
        worstProgress = new ObjectMapper().readTree(new EventCodec().write(worst.event())).path("signals");
        Map<String, QueryState> states = new HashMap<>();
        for (QueryEvent e : events) {
            if (e.timestamp().isAfter(worst.timestamp())) {
                break;
            }
            states.computeIfAbsent(e.queryId(), id -> new QueryState()).apply(e, StatusPolicy.DEFAULT);
        }
        behind = states.get(worst.queryId()).signals(worst.timestamp(), StatusPolicy.DEFAULT);
    }

    @Test
    void signalsCarryLagPerSourceAndPartitionAsTheEventHadIt() {
        JsonNode partitions = worstProgress.path("sources").get(0).path("partitions");
        assertThat(partitions.size()).isEqualTo(3);
        long total = 0;
        long max = 0;
        Map<String, Double> perTopic = new HashMap<>();
        for (JsonNode p : partitions) {
            long lag = p.path("latestOffset").asLong() - p.path("endOffset").asLong();
            total += lag;
            max = Math.max(max, lag);
            perTopic.merge(p.path("topic").asText(), (double) lag, Double::sum);
        }
        assertThat(behind.sources()).hasSize(1);
        assertThat(behind.sources().get(0).recordsBehind()).isEqualTo(total);
        assertThat(behind.recordsBehind()).isEqualTo(total);
        assertThat(behind.maxPartitionRecordsBehind()).isEqualTo(max);
        assertThat(behind.topicRecordsBehind()).isEqualTo(perTopic);
    }

    @Test
    void partitionSeriesOnlyWhenAskedForAndPromtoolClean() throws Exception {
        MetricSnapshots without = new FleetCollector(() -> List.of(behind), false).collect();
        assertThat(names(without)).contains("streamops_fleet_query_source_records_behind_latest")
                .doesNotContain("streamops_fleet_query_partition_records_behind_latest");

        MetricSnapshots with = new FleetCollector(() -> List.of(behind), true).collect();
        GaugeSnapshot partitionSeries = (GaugeSnapshot) find(with, "streamops_fleet_query_partition_records_behind_latest");
        Map<String, Double> byPartition = new HashMap<>();
        for (GaugeSnapshot.GaugeDataPointSnapshot point : partitionSeries.getDataPoints()) {
            assertThat(point.getLabels().get("query")).isEqualTo("purchases-behind");
            byPartition.put(point.getLabels().get("topic") + "/" + point.getLabels().get("partition"), point.getValue());
        }
        Map<String, Double> expected = new HashMap<>();
        for (JsonNode p : worstProgress.path("sources").get(0).path("partitions")) {
            expected.put(p.path("topic").asText() + "/" + p.path("partition").asInt(),
                    (double) (p.path("latestOffset").asLong() - p.path("endOffset").asLong()));
        }
        assertThat(byPartition).isEqualTo(expected);
        GaugeSnapshot sourceSeries = (GaugeSnapshot) find(with, "streamops_fleet_query_source_records_behind_latest");
        assertThat(sourceSeries.getDataPoints()).singleElement().satisfies(point -> {
            assertThat(point.getLabels().get("source")).isEqualTo("0");
            assertThat(point.getLabels().get("description")).isEqualTo("KafkaV2[Subscribe[purchases]]");
            assertThat(point.getValue()).isEqualTo(behind.recordsBehind());
        });

        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FleetCollector(() -> List.of(behind), true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, registry.scrape());
        String exposition = text.toString(StandardCharsets.UTF_8);
        assertThat(exposition).contains("streamops_fleet_query_partition_records_behind_latest{");
        assertThat(Promtool.checkMetrics(exposition)).as("promtool check metrics").isEmpty();
    }

    @Test
    void twoSourcesReadingTheSameTopicPartitionAreTwoSeries() throws Exception {
        // A self-join: both sides subscribe to "purchases". Same topic-partition, different source.
        Signals selfJoin = new Signals(behind.job(), behind.queryId(), "self-join", behind.runId(), behind.tags(),
                behind.status(), 1, 1, 1, 1, 1, 30, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, true, true, "", "", 0,
                List.of(new SourceLag(0, "KafkaV2[Subscribe[purchases]]", 10L, List.of(new TopicPartitionOffset("purchases", 0, 90, 100))),
                        new SourceLag(1, "KafkaV2[Subscribe[purchases]]", 20L, List.of(new TopicPartitionOffset("purchases", 0, 80, 100)))));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FleetCollector(() -> List.of(selfJoin), true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, registry.scrape());
        String exposition = text.toString(StandardCharsets.UTF_8);
        assertThat(exposition.lines().filter(l -> l.startsWith("streamops_fleet_query_partition_records_behind_latest{")))
                .hasSize(2).anyMatch(l -> l.contains("source=\"0\"") && l.endsWith(" 10.0"))
                .anyMatch(l -> l.contains("source=\"1\"") && l.endsWith(" 20.0"));
        assertThat(Promtool.checkMetrics(exposition)).isEmpty();
    }

    @Test
    void sourceSeriesNameTheSourceKindAndCountOnlyKafkaRecords() throws Exception {
        // A Kafka source joined with a rate source: the rate source's offsets are seconds, never records behind.
        Signals joined = new Signals(behind.job(), behind.queryId(), "with-rate", behind.runId(), behind.tags(),
                behind.status(), 1, 1, 1, 1, 1, 10, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, true, true, "", "", 0,
                List.of(new SourceLag(0, "KafkaV2[Subscribe[purchases]]", 10L, List.of(new TopicPartitionOffset("purchases", 0, 90, 100))),
                        new SourceLag(1, "RateStreamV2", "RateStreamV2[rowsPerSecond=5]", 37L, List.of())));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FleetCollector(() -> List.of(joined), false));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, registry.scrape());
        String exposition = text.toString(StandardCharsets.UTF_8);
        assertThat(exposition.lines().filter(l -> l.startsWith("streamops_fleet_query_source_records_behind_latest{")))
                .singleElement().satisfies(l -> assertThat(l).contains("kind=\"kafka\"").contains("source=\"0\"").endsWith(" 10.0"));
        assertThat(Promtool.checkMetrics(exposition)).isEmpty();
    }

    /**
     * The growth and drop signals the default rules test are exported as they are, and the alerts the
     * shipped default rules (alert-rules/streamops-rules.yaml) have firing on a query are one point each,
     * labelled as the exporter's alert; a pending alert, and a query with no alert state, give none.
     */
    @Test
    void growthDropsAndTheExportersFiringAlertsAreSeries() throws Exception {
        Signals failed = new Signals("shop", "q-failed", "audit", "run-1", Map.of(), QueryStatus.FAILED, 0, 0, Double.NaN, 1, 10,
                0, 0, 0, Double.NaN, 4000, 3.0e8, 1.5e6, 250, 5, 5, 2, false, false, "java.lang.IllegalStateException: boom", "", 7,
                List.of());
        Signals slow = new Signals("shop", "q-slow", "payments", "run-2", Map.of(), QueryStatus.ACTIVE, 100, 50, 0.5, 12, 10,
                1000, 10, 20, Double.NaN, 0, 0, -2.0e5, -3, 5, 5, 0, true, true, "", "", 0, List.of());
        Signals quiet = new Signals("shop", "q-quiet", "quiet", "run-3", Map.of(), QueryStatus.IDLE, 0, 0, Double.NaN, 1, 10,
                0, 0, 0, Double.NaN, 0, 0, 0, 0, 60, 5, 0, false, false, "", "", 0, List.of());
        AlertTracker tracker = new AlertTracker(RulesLoader.load(Path.of("..", "alert-rules", "streamops-rules.yaml")));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Map<String, QueryAlertState> alerts = Map.of(
                "q-failed", tracker.evaluate(QueryAlertState.empty("q-failed"), failed, now).state(),
                "q-slow", tracker.evaluate(QueryAlertState.empty("q-slow"), slow, now).state());
        assertThat(alerts.get("q-slow").alerts()).as("falling behind, pending for its 10m").containsKey("QueryFallingBehind");

        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new FleetCollector(() -> List.of(failed, slow, quiet), () -> alerts, false));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(text, registry.scrape());
        String exposition = text.toString(StandardCharsets.UTF_8);
        assertThat(exposition.lines().filter(l -> l.startsWith("streamops_fleet_query_alert_firing{")))
                .containsExactlyInAnyOrder(
                        "streamops_fleet_query_alert_firing{alertname=\"ListenerDroppingEvents\",job=\"shop\",query=\"audit\",query_id=\"q-failed\",severity=\"warning\"} 1.0",
                        "streamops_fleet_query_alert_firing{alertname=\"QueryFailed\",job=\"shop\",query=\"audit\",query_id=\"q-failed\",severity=\"critical\"} 1.0");
        assertThat(exposition)
                .contains("streamops_fleet_query_state_memory_growth_bytes_per_minute{job=\"shop\",query=\"audit\",query_id=\"q-failed\"} 1500000.0")
                .contains("streamops_fleet_query_state_memory_growth_bytes_per_minute{job=\"shop\",query=\"payments\",query_id=\"q-slow\"} -200000.0")
                .contains("streamops_fleet_query_state_rows_growth_per_minute{job=\"shop\",query=\"audit\",query_id=\"q-failed\"} 250.0")
                .contains("streamops_fleet_query_state_rows_growth_per_minute{job=\"shop\",query=\"payments\",query_id=\"q-slow\"} -3.0")
                .contains("streamops_fleet_query_listener_dropped_events{job=\"shop\",query=\"audit\",query_id=\"q-failed\"} 7.0")
                .contains("streamops_fleet_query_listener_dropped_events{job=\"shop\",query=\"quiet\",query_id=\"q-quiet\"} 0.0");
        assertThat(Promtool.checkMetrics(exposition)).as("promtool check metrics").isEmpty();
    }

    private static List<String> names(MetricSnapshots snapshots) {
        List<String> out = new ArrayList<>();
        for (MetricSnapshot s : snapshots) {
            out.add(s.getMetadata().getPrometheusName());
        }
        return out;
    }

    private static MetricSnapshot find(MetricSnapshots snapshots, String name) {
        for (MetricSnapshot s : snapshots) {
            if (s.getMetadata().getPrometheusName().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no " + name + " in " + names(snapshots));
    }
}
