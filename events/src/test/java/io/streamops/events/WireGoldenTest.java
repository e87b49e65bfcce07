package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire form did not change when {@link EventCodec} replaced the listener's tree encoder: JSON in that
 * encoder's layout (golden/old-encoder-v1.jsonl, every kind, and a real run of an older listener) reads
 * and is written again as the same tree, so an exporter of either age reads what a listener of either
 * age sends. Literal field names are asserted too, so a renamed constant cannot pass unnoticed.
 */
class WireGoldenTest {
    private static final EventCodec CODEC = Fixtures.CODEC;

    private static JsonNode again(String line) throws Exception {
        return Fixtures.JSON.readTree(CODEC.write(CODEC.read(line.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theOldEncodersEventsOfEveryKindAreWrittenBackTreeEqual() throws Exception {
        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        for (String line : Fixtures.text("/golden/old-encoder-v1.jsonl", true).split("\n")) {
            JsonNode golden = Fixtures.JSON.readTree(line);
            assertThat(again(line)).as(line).isEqualTo(golden);
            kinds.add(EventType.fromWireName(golden.get("type").asText()));
        }
        assertThat(kinds).containsExactlyInAnyOrder(EventType.values());
    }

    /**
     * A recorded run of a listener from before sources[].kind and heartbeat.intervalMs: the same tree once
     * what the reader derives again is set aside: a source's kind (from its description) and the records
     * behind of a source that is not Kafka, which that listener counted from a rate source's seconds and
     * readers no longer believe (nor the total that summed them).
     */
    @Test
    void aRecordedOlderListenersRunIsWrittenBackTreeEqualBarTheFieldsItPredates() throws Exception {
        int lines = 0;
        for (String line : Fixtures.text("/recorded/listener-e2e-run.jsonl", true).split("\n")) {
            JsonNode recorded = Fixtures.JSON.readTree(line);
            JsonNode written = again(line);
            assertThat(recorded.path("heartbeat").has("intervalMs")).isFalse();
            assertThat(written.path("heartbeat").has("intervalMs")).as("absent stays absent").isFalse();
            boolean derivedAgain = false;
            for (JsonNode source : written.path("signals").path("sources")) {
                JsonNode old = recorded.path("signals").path("sources").get(source.get("index").asInt());
                assertThat(old.has("kind")).isFalse();
                if (!SourceLag.KAFKA.equals(((ObjectNode) source).remove("kind").asText())) {
                    ((ObjectNode) source).set("recordsBehindLatest", old.get("recordsBehindLatest"));
                    derivedAgain = true;
                }
            }
            if (derivedAgain) {
                ((ObjectNode) written.get("signals")).set("recordsBehindLatest", recorded.get("signals").get("recordsBehindLatest"));
            }
            assertThat(written).as(line).isEqualTo(recorded);
            lines++;
        }
        assertThat(lines).isEqualTo(297);
    }

    @Test
    void theFieldNamesAreTheContracts() throws Exception {
        List<String> envelope = Arrays.asList("version", "type", "eventId", "timestamp", "emittedAt", "app", "query");
        for (StreamOpsEvent event : EventCodecTest.everyKind()) {
            JsonNode json = Fixtures.JSON.readTree(CODEC.write(event));
            List<String> expected = new ArrayList<String>(envelope);
            if (event.type() == EventType.PROGRESS) {
                expected.add("progress");
            }
            if (event.type().bodyField() != null) {
                expected.add(event.type().bodyField());
            }
            assertThat(names(json)).as(event.toString()).containsExactlyElementsOf(expected);
            assertThat(names(json.get("app"))).containsExactly("id", "name", "job", "host", "sparkVersion", "listenerVersion", "tags");
            assertThat(names(json.get("query"))).containsExactly("id", "runId", "name");
            switch (event.type()) {
                case PROGRESS:
                    assertThat(names(json.get("signals"))).containsExactly("batchId", "numInputRows", "inputRowsPerSecond",
                            "processedRowsPerSecond", "batchDurationMs", "watermarkDelayMs", "recordsBehindLatest", "stateRows",
                            "stateMemoryBytes", "stateRowsDroppedByWatermark", "sources");
                    break;
                case TERMINATED:
                    assertThat(names(json.get("termination"))).containsExactly("outcome", "exception", "exceptionMessage",
                            "errorClassOnException");
                    break;
                case HEARTBEAT:
                    assertThat(names(json.get("heartbeat"))).containsExactly("sequence", "status", "secondsSinceLastProgress",
                            "lastBatchId", "triggerIntervalMs", "intervalMs", "listenerEventsDropped");
                    break;
                default:
                    break;
            }
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<String>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
