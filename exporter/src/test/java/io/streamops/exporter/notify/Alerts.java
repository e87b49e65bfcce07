package io.streamops.exporter.notify;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test alerts: realistic transitions (signals from a real {@link Signals}), built fluently. */
public final class Alerts {
    public static final Instant STARTED = Instant.parse("2026-03-01T10:00:00Z");
    public static final Instant ENDED = Instant.parse("2026-03-01T10:30:00Z");
    public static final DashboardLinks DASHBOARD = new DashboardLinks("https://grafana.shop.test/d/streamops-query?var-query_id=");

    private Alerts() {
    }

    public static Builder alert(String rule, String queryId) {
        return new Builder(rule, queryId);
    }

    /** A notification of the given alerts for {@code receiver}, grouped by rule and query. */
    public static Notification notification(String receiver, AlertTransition... alerts) {
        AlertTransition first = alerts[0];
        String groupKey = "{}:{alertname=\"" + first.rule() + "\",query=\"" + first.labels().get("query") + "\"}";
        return Notification.of(receiver, groupKey, List.of(alerts), DASHBOARD);
    }

    /** A signal set as the exporter computes it: unknown numbers are NaN. */
    public static Map<String, Object> signals(String queryId, String queryName, String exceptionMessage) {
        Signals signals = new Signals("shop-etl", queryId, queryName, "run-1", Map.of("env", "prod"),
                QueryStatus.FAILED, 1200.5, 800.25, 0.6667, 4.2, 10, 1.2e7, 250, 15000, Double.NaN, 1_000_000,
                52_428_800, 0, 0, 12, 3, 2, false, true, exceptionMessage, "STREAM_FAILED", 0, List.of());
        return signals.toVariables();
    }

    public static final class Builder {
        private final String rule;
        private final String queryId;
        private String queryName = "grocery-alerts";
        private String severity = "critical";
        private AlertPhase phase = AlertPhase.FIRING;
        private String exceptionMessage = "org.apache.spark.SparkException: Job aborted";
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final Map<String, String> extraLabels = new HashMap<>();

        private Builder(String rule, String queryId) {
            this.rule = rule;
            this.queryId = queryId;
        }

        public Builder query(String name) {
            this.queryName = name;
            return this;
        }

        public Builder severity(String value) {
            this.severity = value;
            return this;
        }

        public Builder resolved() {
            this.phase = AlertPhase.RESOLVED;
            return this;
        }

        public Builder exception(String message) {
            this.exceptionMessage = message;
            return this;
        }

        public Builder annotation(String name, String value) {
            annotations.put(name, value);
            return this;
        }

        public Builder label(String name, String value) {
            extraLabels.put(name, value);
            return this;
        }

        public AlertTransition build() {
            Map<String, String> labels = new HashMap<>(extraLabels);
            labels.put("alertname", rule);
            labels.put("severity", severity);
            labels.put("job", "shop-etl");
            labels.put("query", queryName);
            labels.put("query_id", queryId);
            Map<String, String> texts = new LinkedHashMap<>(annotations);
            texts.putIfAbsent("summary", "Query " + queryName + " failed");
            return new AlertTransition(
                    AlertTransition.fingerprint(rule, queryId),
                    rule,
                    phase,
                    severity,
                    labels,
                    texts,
                    signals(queryId, queryName, exceptionMessage),
                    List.of("oncall"),
                    Duration.ofHours(4),
                    true,
                    STARTED,
                    phase == AlertPhase.RESOLVED ? ENDED : null,
                    phase == AlertPhase.RESOLVED ? ENDED : STARTED);
        }
    }
}
