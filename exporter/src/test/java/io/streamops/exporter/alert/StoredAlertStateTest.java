package io.streamops.exporter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.rules.TestRules;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import io.streamops.exporter.streams.QueryRecord;
import io.streamops.exporter.support.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Alert state lives in the query's record in the state store (and its changelog), written with the
 * store's own serde: it must come back the same in every phase, and an instance that takes over must
 * carry on exactly where the lost one was.
 */
class StoredAlertStateTest {

    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    static final Serde<QueryRecord> STORE = Json.serde(QueryRecord.class);

    final AlertTracker tracker = new AlertTracker(TestRules.load(AlertTrackerTest.RULES));
    final Signals failedAndLagging = TestSignals.healthy().with(s -> {
        s.status = QueryStatus.FAILED;
        s.recordsBehind = 50_000;
    }).build();
    final Signals caughtUp = TestSignals.healthy().build();

    private static QueryAlertState throughTheStore(QueryAlertState alerts) {
        QueryRecord record = new QueryRecord();
        record.alerts = alerts;
        byte[] bytes = STORE.serializer().serialize("changelog", record);
        return STORE.deserializer().deserialize("changelog", bytes).alerts;
    }

    @Test
    void stateRoundTripsThroughTheStoreInEveryPhase() {
        QueryAlertState state = QueryAlertState.empty(failedAndLagging.queryId());
        List<QueryAlertState> seen = new ArrayList<>();
        int[] minutes = {0, 1, 5, 6, 7, 9};
        for (int minute : minutes) {
            state = tracker.evaluate(state, minute < 6 ? failedAndLagging : caughtUp, T0.plus(Duration.ofMinutes(minute))).state();
            seen.add(state);
        }
        // pending, firing, firing within keep_firing_for, empty: all among them
        assertThat(seen).anySatisfy(s -> assertThat(s.alerts().get("Lagging")).isNotNull()
                .satisfies(a -> assertThat(a.keepFiringSince()).isNotNull()));
        for (QueryAlertState s : seen) {
            assertThat(throughTheStore(s)).isEqualTo(s);
        }
    }

    @Test
    void trackingContinuesIdenticallyFromARestoredState() {
        QueryAlertState pending = tracker.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        QueryAlertState restored = throughTheStore(pending);

        Instant atFor = T0.plus(Duration.ofMinutes(5));
        assertThat(tracker.evaluate(restored, failedAndLagging, atFor)).isEqualTo(tracker.evaluate(pending, failedAndLagging, atFor));
    }

    @Test
    void unknownFieldsFromANewerExporterAreIgnored() {
        String json = "{\"future\":true,\"alerts\":{\"queryId\":\"q1\",\"future\":1,"
                + "\"alerts\":{\"A\":{\"phase\":\"PENDING\",\"activeAt\":\"2025-03-01T12:00:00Z\",\"x\":[]}}}}";
        QueryRecord record = STORE.deserializer().deserialize("changelog", json.getBytes(StandardCharsets.UTF_8));
        assertThat(record.alerts.alerts().get("A").activeAt()).isEqualTo(T0);
    }

    @Test
    void transitionsOnTheAlertsTopicArePlainJsonWithoutNaNOrNestedTags() throws Exception {
        Signals unknownNumbers = TestSignals.unknown().with(s -> {
            s.status = QueryStatus.FAILED;
            s.timeBehindSeconds = Double.POSITIVE_INFINITY;
        }).build();
        AlertTransition fired = tracker.evaluate(QueryAlertState.empty(unknownNumbers.queryId()), unknownNumbers, T0)
                .transitions().get(0);

        // What the topology writes to the alerts topic, and what the router reads back.
        Serde<AlertTransition> topic = Json.serde(AlertTransition.class);
        byte[] bytes = topic.serializer().serialize("streamops-alerts", fired);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("NaN").contains("\"time_behind_seconds\":\"+Inf\"").contains("\"tags.env\":\"prod\"");
        @SuppressWarnings("unchecked")
        Map<String, Object> signals = (Map<String, Object>) Json.MAPPER.readValue(json, Map.class).get("signals");
        assertThat(signals).doesNotContainKeys("records_behind", "tags").containsEntry("status", "failed")
                .containsEntry("consecutive_failures", 0);
        AlertTransition read = topic.deserializer().deserialize("streamops-alerts", bytes);
        assertThat(read).usingRecursiveComparison().ignoringFields("signals").isEqualTo(fired);
        assertThat(read.signals()).containsEntry("time_behind_seconds", "+Inf").containsEntry("status", "failed");
    }
}
