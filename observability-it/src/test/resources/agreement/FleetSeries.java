import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.fleet.FleetCollector;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.streams.QueryRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the exporter's /metrics would show for recorded events if Prometheus scraped it every step: the
 * events folded in with the exporter's own code (the fold replay and the service run), rendered by its
 * own FleetCollector. Run against the packaged jar, as a single-file program, in its own JVM: the jar is
 * what users run (the same classes and dependency versions exporter replay uses in the same test), and
 * its Kafka and Jackson stay off the test JVM's classpath, where Spark's own versions must win:
 *
 *   java -cp streamops-exporter.jar FleetSeries.java events.jsonl PT15S 2026-01-01T00:00:00Z 2026-01-01T00:50:00Z
 *
 * Prints one promtool input series per line: {@code <series>\t<value at each step>} with "_" where the
 * series did not exist.
 */
public class FleetSeries {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Duration step = Duration.parse(args[1]);
        Instant start = Instant.parse(args[2]);
        Instant end = Instant.parse(args[3]);
        EventParser parser = new EventParser(1024 * 1024);
        List<QueryEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                EventParser.Result r = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (r.event() == null) {
                    throw new IllegalArgumentException("unusable event: " + r.problem() + " " + r.detail() + ": " + line);
                }
                events.add(r.event());
            }
        }
        events.sort(Comparator.comparing(QueryEvent::timestamp));
        QueryEvaluation evaluation = new QueryEvaluation(StatusPolicy.DEFAULT, () -> null, errors -> { });
        Map<String, QueryRecord> queries = new LinkedHashMap<>();
        Map<String, List<String>> series = new LinkedHashMap<>();
        int next = 0;
        int steps = 0;
        for (Instant t = start; !t.isAfter(end); t = t.plus(step), steps++) {
            while (next < events.size() && !events.get(next).timestamp().isAfter(t)) {
                QueryEvent e = events.get(next++);
                evaluation.fold(queries.computeIfAbsent(e.queryId(), id -> new QueryRecord()), e);
            }
            Instant now = t;
            List<Signals> signals = queries.values().stream().map(q -> evaluation.signals(q, now)).toList();
            for (MetricSnapshot snapshot : new FleetCollector(() -> signals, false).collect()) {
                String name = snapshot.getMetadata().getPrometheusName();
                for (DataPointSnapshot point : snapshot.getDataPoints()) {
                    StringBuilder key = new StringBuilder(name).append('{');
                    String sep = "";
                    for (Label l : point.getLabels()) {
                        key.append(sep).append(l.getName()).append("=\"")
                                .append(l.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                        sep = ",";
                    }
                    key.append('}');
                    List<String> values = series.computeIfAbsent(key.toString(), k -> new ArrayList<>());
                    while (values.size() < steps) {
                        values.add("_");
                    }
                    values.add(value(((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue()));
                }
            }
        }
        for (Map.Entry<String, List<String>> s : series.entrySet()) {
            List<String> values = s.getValue();
            while (values.size() < steps) {
                values.add("_");
            }
            System.out.println(s.getKey() + "\t" + String.join(" ", values));
        }
    }

    private static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }
}
