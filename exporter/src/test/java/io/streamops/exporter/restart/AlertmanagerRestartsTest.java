package io.streamops.exporter.restart;

import io.streamops.exporter.notify.LogCapture;
import io.streamops.exporter.support.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertmanagerRestartsTest {

    private static List<AlertmanagerRestarts.Ask> asks(String json) throws Exception {
        return AlertmanagerRestarts.asks(Json.MAPPER.readTree(json));
    }

    @Test
    void firingAlertsWhoseActionLabelAsksForARestartAreRead() throws Exception {
        List<AlertmanagerRestarts.Ask> asks = asks("""
                {"version": "4", "groupKey": "{}:{alertname=\\"SparkDriverDown\\"}", "truncatedAlerts": 0,
                 "status": "firing", "receiver": "streamops", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
                 "externalURL": "http://alertmanager:9093",
                 "alerts": [
                   {"status": "firing", "labels": {"alertname": "SparkDriverDown", "job": "orders", "query": "enrich",
                    "action": "page, restart", "env": "prod"}, "annotations": {}, "startsAt": "2026-12-03T10:00:00Z",
                    "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus/graph", "fingerprint": "c0ffee"},
                   {"status": "resolved", "labels": {"alertname": "SparkDriverDown", "job": "billing", "action": "restart"},
                    "fingerprint": "b1"},
                   {"status": "firing", "labels": {"alertname": "Lag", "job": "billing"}, "fingerprint": "b2"},
                   {"status": "firing", "labels": {"alertname": "NoJob", "action": "restart"}, "fingerprint": "b3"}
                 ]}
                """);
        assertThat(asks).hasSize(1);
        AlertmanagerRestarts.Ask ask = asks.get(0);
        assertThat(ask.subject().job()).isEqualTo("orders");
        assertThat(ask.subject().queryName()).isEqualTo("enrich");
        assertThat(ask.subject().tags()).containsOnlyKeys("env");
        assertThat(ask.alertname()).isEqualTo("SparkDriverDown");
        assertThat(ask.fingerprint()).isEqualTo("c0ffee");
    }

    @Test
    void aValidPayloadThatAsksNothingIsAcceptedAndAMalformedOneIsRefused() throws Exception {
        assertThat(asks("{\"version\": \"4\", \"alerts\": []}")).isEmpty();
        assertThatThrownBy(() -> asks("{\"version\": \"3\", \"alerts\": []}")).hasMessageContaining("unsupported payload version '3'");
        assertThatThrownBy(() -> asks("{\"version\": \"4\"}")).hasMessageContaining("'alerts' must be a list");
        assertThatThrownBy(() -> asks("{\"version\": \"4\", \"alerts\": [1]}")).hasMessageContaining("alerts[0]");
        assertThatThrownBy(() -> asks("[]")).hasMessageContaining("JSON object");
    }

    /** Label values are whatever the poster sent: a line break in one must not start a log line of its own. */
    @Test
    void labelValuesAreEscapedInLogLinesAndErrors() throws Exception {
        assertThat(LogCapture.loggingIsBound()).isTrue();
        String forged = "2026-12-03T10:00:00.000+00:00 [main] ERROR io.streamops.exporter.Main - forged";
        String payload = """
                {"version": "4", "alerts": [
                  {"status": "firing", "labels": {"alertname": "Down\\r\\nAGAIN", "job": "orders\\n%s", "query": "q\u2028x",
                   "action": "restart"}, "fingerprint": "f\\nFINGER"}
                ]}
                """.formatted(forged);
        String logged;
        List<AlertmanagerRestarts.Ask> asks;
        try (LogCapture capture = new LogCapture()) {
            asks = asks(payload);
            logged = capture.text();
        }
        assertThat(asks).hasSize(1);
        assertThat(asks.get(0).subject().job()).as("the job itself is kept as sent").isEqualTo("orders\n" + forged);
        assertThat(logged).contains("asks to restart job orders\\n" + forged)
                .contains("Down\\r\\nAGAIN").contains("f\\nFINGER").contains("q\\u2028x");
        assertThat(logged.lines()).noneMatch(line -> line.startsWith(forged) || line.startsWith("AGAIN")
                || line.startsWith("FINGER"));

        assertThatThrownBy(() -> asks("{\"version\": \"4\\nFORGED\", \"alerts\": []}"))
                .hasMessageContaining("'4\\nFORGED'").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> asks("""
                {"version": "4", "alerts": [{"status": "firing", "labels": {"job": "orders", "action": "restart"},
                 "startsAt": "x\\ny"}]}"""))
                .hasMessageContaining("'x\\ny'").hasMessageNotContaining("\n");
    }
}
