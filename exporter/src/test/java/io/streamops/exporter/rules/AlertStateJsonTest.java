package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alert state goes to a state store as JSON and must come back the same, mid-lifecycle included. */
class AlertStateJsonTest {

    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    final AlertTracker tracker = new AlertTracker(AlertTrackerTest.load(AlertTrackerTest.RULES));
    final Signals failedAndLagging = TestSignals.healthy().with(s -> {
        s.status = QueryStatus.FAILED;
        s.recordsBehind = 50_000;
    }).build();
    final Signals caughtUp = TestSignals.healthy().build();

    @Test
    void stateRoundTripsThroughJsonInEveryPhase() throws IOException {
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
            assertThat(AlertStateJson.fromBytes(AlertStateJson.toBytes(s))).isEqualTo(s);
        }
    }

    @Test
    void trackingContinuesIdenticallyFromARestoredState() throws IOException {
        QueryAlertState pending = tracker.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        QueryAlertState restored = AlertStateJson.fromBytes(AlertStateJson.toBytes(pending));

        Instant atFor = T0.plus(Duration.ofMinutes(5));
        assertThat(tracker.evaluate(restored, failedAndLagging, atFor)).isEqualTo(tracker.evaluate(pending, failedAndLagging, atFor));
    }

    @Test
    void jsonIsReadableIsoTextWithoutNulls() {
        QueryAlertState state = tracker.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        String json = AlertStateJson.toJson(state);
        assertThat(json)
                .contains("\"queryId\":\"" + failedAndLagging.queryId() + "\"")
                .contains("\"activeAt\":\"2025-03-01T12:00:00Z\"")
                .contains("\"repeatInterval\":\"PT4H\"")
                .contains("\"phase\":\"FIRING\"")
                .contains("\"phase\":\"PENDING\"")
                .contains("\"labels\":{\"alertname\":\"Failed\",\"job\":") // sorted keys: same bytes on every instance
                .doesNotContain("null")
                .doesNotContain("\"firing\"") // derived, not stored
                .doesNotContain("\"empty\"");
    }

    @Test
    void unknownFieldsFromANewerExporterAreIgnored() throws IOException {
        String json = "{\"queryId\":\"q1\",\"future\":1,\"alerts\":{\"A\":{\"phase\":\"PENDING\",\"activeAt\":\"2025-03-01T12:00:00Z\",\"x\":[]}}}";
        QueryAlertState state = AlertStateJson.fromBytes(json.getBytes(StandardCharsets.UTF_8));
        assertThat(state.alerts().get("A").activeAt()).isEqualTo(T0);
    }

    @Test
    void garbageIsAnIOExceptionForTheCallerToHandle() {
        assertThatThrownBy(() -> AlertStateJson.fromBytes("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }

    @Test
    void transitionsSerializeToPlainJsonWithoutNaNOrNestedTags() throws IOException {
        Signals unknownNumbers = TestSignals.unknown().with(s -> {
            s.status = QueryStatus.FAILED;
            s.timeBehindSeconds = Double.POSITIVE_INFINITY;
        }).build();
        AlertTransition fired = tracker.evaluate(QueryAlertState.empty(unknownNumbers.queryId()), unknownNumbers, T0)
                .transitions().get(0);

        ObjectMapper mapper = AlertStateJson.configure(new ObjectMapper());
        String json = mapper.writeValueAsString(fired);
        assertThat(json).doesNotContain("NaN").contains("\"time_behind_seconds\":\"+Inf\"").contains("\"tags.env\":\"prod\"");
        @SuppressWarnings("unchecked")
        Map<String, Object> signals = (Map<String, Object>) mapper.readValue(json, Map.class).get("signals");
        assertThat(signals).doesNotContainKeys("records_behind", "tags").containsEntry("status", "failed")
                .containsEntry("consecutive_failures", 0);
    }
}
