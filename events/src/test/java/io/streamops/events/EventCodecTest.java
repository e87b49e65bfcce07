package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.events.MalformedEventException.Problem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EventCodec}: what the listener writes, the exporter reads back as the same event, for every
 * kind; a real listener's recorded events read; and what cannot be read is refused naming what and where.
 */
class EventCodecTest {
    private static final EventCodec CODEC = Fixtures.CODEC;

    /** One event of every kind and variant, made from the Spark 3.5 recordings. */
    static List<StreamOpsEvent> everyKind() {
        List<StreamOpsEvent> events = new ArrayList<StreamOpsEvent>();
        events.add(Fixtures.startedEvent("kafka-source.query-started.event.json"));
        events.add(Fixtures.startedEvent("failing-udf-unnamed.query-started.event.json"));
        for (String progress : new String[] {ProgressSignalsTest.KAFKA_BATCH_3, ProgressSignalsTest.KAFKA_BATCH_0,
                ProgressSignalsTest.RATE_NO_WATERMARK, ProgressSignalsTest.RATE_EVICTED, ProgressSignalsTest.OBSERVE,
                ProgressSignalsTest.FOREACH_BATCH, ProgressSignalsTest.IDLE_BATCH_0}) {
            events.add(Fixtures.progressEvent(Fixtures.json(progress)));
        }
        events.add(Fixtures.idleEvent("idle.query-idle.event.json", "idle.query-started.event.json"));
        events.add(Fixtures.terminatedEvent("kafka-source"));
        events.add(Fixtures.terminatedEvent("failing-foreachbatch"));
        events.add(Fixtures.terminatedEvent("failing-analysis-error"));
        events.add(Fixtures.heartbeatEvent(true));
        events.add(Fixtures.heartbeatEvent(false));
        return events;
    }

    @Test
    void everyKindReadsBackAsTheEventWritten() throws Exception {
        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        for (StreamOpsEvent written : everyKind()) {
            StreamOpsEvent read = CODEC.read(CODEC.write(written));

            assertThat(read).as(written.toString()).isEqualTo(written).isInstanceOf(written.getClass());
            assertThat(read.type()).isEqualTo(written.type());
            kinds.add(read.type());
        }
        assertThat(kinds).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void theTypedPartsSurviveTheWire() throws Exception {
        TerminatedEvent failed = (TerminatedEvent) CODEC.read(CODEC.write(Fixtures.terminatedEvent("failing-analysis-error")));
        assertThat(failed.termination().outcome()).isEqualTo(Termination.Outcome.FAILED);
        assertThat(failed.termination().errorClassOnException()).isEqualTo("UNRESOLVED_COLUMN.WITH_SUGGESTION");
        assertThat(failed.termination().exception()).contains("\n");
        assertThat(failed.termination().exceptionMessage()).isNotEmpty().doesNotContain("\n");

        HeartbeatEvent beat = (HeartbeatEvent) CODEC.read(CODEC.write(Fixtures.heartbeatEvent(true)));
        assertThat(beat.heartbeat().status().message()).isEqualTo("Waiting for next trigger");
        assertThat(beat.heartbeat().status().dataAvailable()).isTrue();
        assertThat(beat.heartbeat().status().triggerActive()).isFalse();
        assertThat(beat.heartbeat().intervalMs()).isEqualTo(10_000L);
        assertThat(beat.heartbeat().listenerEventsDropped()).isEqualTo(3L);

        ProgressEvent progress = (ProgressEvent) CODEC.read(CODEC.write(Fixtures.progressEvent(Fixtures.json(ProgressSignalsTest.KAFKA_BATCH_3))));
        assertThat(progress.progress()).isEqualTo(Fixtures.json(ProgressSignalsTest.KAFKA_BATCH_3));
        assertThat(progress.signals().recordsBehindLatest()).isPositive();
        assertThat(progress.app().tags()).containsEntry("team", "payments");
        assertThat(progress.query().name()).isEqualTo(Fixtures.json(ProgressSignalsTest.KAFKA_BATCH_3).get("name").asText());
    }

    /** Spark's text is copied as it is, or the tree written when there is no text: the same JSON either way. */
    @Test
    void progressIsWrittenAsSparkRenderedIt() throws Exception {
        JsonNode recorded = Fixtures.json(ProgressSignalsTest.RATE_EVICTED);
        ProgressEvent fromText = Fixtures.progressEvent(recorded);
        ProgressEvent fromTree = new ProgressEvent(fromText.eventId(), fromText.timestamp(), fromText.emittedAt(),
                fromText.app(), fromText.query(), recorded, fromText.signals());

        assertThat(Fixtures.JSON.readTree(CODEC.write(fromText)).get("progress")).isEqualTo(recorded);
        assertThat(Fixtures.JSON.readTree(CODEC.write(fromTree))).isEqualTo(Fixtures.JSON.readTree(CODEC.write(fromText)));
    }

    /** A real listener's events (an end-to-end run, copied from the exporter's test data) all read, and stay the same when written again. */
    @Test
    void recordedListenerEventsRead() throws Exception {
        Map<EventType, Integer> counts = new EnumMap<EventType, Integer>(EventType.class);
        for (String line : Fixtures.text("/recorded/listener-e2e-run.jsonl", true).split("\n")) {
            StreamOpsEvent read = CODEC.read(line.getBytes(StandardCharsets.UTF_8));
            counts.merge(read.type(), 1, Integer::sum);
            assertThat(CODEC.read(CODEC.write(read))).isEqualTo(read);
            if (read instanceof HeartbeatEvent) {
                // That listener predates intervalMs: absent reads as unknown, not as 0.
                assertThat(((HeartbeatEvent) read).heartbeat().intervalMs()).isNull();
                assertThat(((HeartbeatEvent) read).heartbeat().listenerEventsDropped()).isNotNull();
            }
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder(EventType.values());
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(297);
    }

    // ---------------------------------------------------------------- what cannot be read

    private static ObjectNode tree(StreamOpsEvent event) throws IOException {
        return (ObjectNode) Fixtures.JSON.readTree(CODEC.write(event));
    }

    private static MalformedEventException refusal(Object message) {
        byte[] bytes = message instanceof byte[] ? (byte[]) message : message.toString().getBytes(StandardCharsets.UTF_8);
        try {
            CODEC.read(bytes);
        } catch (MalformedEventException e) {
            return e;
        }
        throw new AssertionError("read " + message);
    }

    @Test
    void notJsonIsRefusedWithWhere() {
        MalformedEventException e = refusal("{\"version\": 1, \"type\": ");
        assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(e.getMessage()).startsWith("not JSON").contains("line 1, column");
        assertThat(refusal(new byte[0]).getMessage()).isEqualTo("empty message");
        assertThat(refusal("[1, 2]").getMessage()).isEqualTo("not a JSON object");
    }

    @Test
    void aMissingFieldIsNamedWithTheEvent() throws Exception {
        ObjectNode event = tree(Fixtures.heartbeatEvent(true));
        ((ObjectNode) event.get("query")).remove("runId");

        MalformedEventException e = refusal(event);

        assertThat(e.problem()).isEqualTo(Problem.MISSING_FIELD);
        assertThat(e.getMessage()).contains("'query.runId'").contains("heartbeat event").contains(event.get("eventId").asText());
    }

    @Test
    void aKindWithoutItsPartIsRefused() throws Exception {
        for (StreamOpsEvent kind : new StreamOpsEvent[] {Fixtures.heartbeatEvent(true), Fixtures.terminatedEvent("kafka-source"),
                Fixtures.progressEvent(Fixtures.json(ProgressSignalsTest.OBSERVE))}) {
            ObjectNode event = tree(kind);
            event.remove(kind.type().bodyField());

            MalformedEventException e = refusal(event);

            assertThat(e.problem()).isEqualTo(Problem.MISSING_FIELD);
            assertThat(e.getMessage()).contains("'" + kind.type().bodyField() + "'").contains(kind.eventId());
        }
    }

    @Test
    void anotherVersionOrTypeIsRefused() throws Exception {
        ObjectNode v2 = tree(Fixtures.startedEvent("kafka-source.query-started.event.json")).put("version", 2);
        assertThat(refusal(v2).problem()).isEqualTo(Problem.UNKNOWN_VERSION);
        assertThat(refusal(v2).getMessage()).contains("version 2");

        ObjectNode paused = tree(Fixtures.startedEvent("kafka-source.query-started.event.json")).put("type", "paused");
        assertThat(refusal(paused).problem()).isEqualTo(Problem.UNKNOWN_TYPE);
        assertThat(refusal(paused).getMessage()).contains("'paused'");
    }

    @Test
    void aBadTimestampIsRefused() throws Exception {
        ObjectNode yesterday = tree(Fixtures.startedEvent("kafka-source.query-started.event.json")).put("timestamp", "yesterday");
        MalformedEventException e = refusal(yesterday);
        assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(e.getMessage()).contains("timestamp 'yesterday'").contains("started event");
    }

    /**
     * A newer listener's outcome this reader does not know, or none, still delivers the termination
     * (dropping it would leave the run open until the exporter calls the driver lost): failed when there
     * is an exception text, else stopped, as {@link Termination#of} decides; the value sent is kept.
     */
    @Test
    void anUnknownOrMissingOutcomeIsReadByTheExceptionRule() throws Exception {
        ObjectNode failing = tree(Fixtures.terminatedEvent("failing-foreachbatch"));
        ((ObjectNode) failing.get("termination")).put("outcome", "cancelled");
        Termination cancelled = ((TerminatedEvent) CODEC.read(failing.toString().getBytes(StandardCharsets.UTF_8))).termination();
        assertThat(cancelled.outcome()).isEqualTo(Termination.Outcome.FAILED);
        assertThat(cancelled.wireOutcome()).isEqualTo("cancelled");
        assertThat(cancelled.exceptionMessage()).isNotEmpty();
        assertThat(cancelled.toString()).contains("'cancelled' unknown");

        ObjectNode stopped = tree(Fixtures.terminatedEvent("kafka-source"));
        ((ObjectNode) stopped.get("termination")).remove("outcome");
        Termination missing = ((TerminatedEvent) CODEC.read(stopped.toString().getBytes(StandardCharsets.UTF_8))).termination();
        assertThat(missing.outcome()).isEqualTo(Termination.Outcome.STOPPED);
        assertThat(missing.wireOutcome()).isNull();
        assertThat(missing.toString()).contains("outcome missing");

        ObjectNode emptyException = tree(Fixtures.terminatedEvent("kafka-source"));
        ((ObjectNode) emptyException.get("termination")).put("outcome", 3).put("exception", "");
        Termination odd = ((TerminatedEvent) CODEC.read(emptyException.toString().getBytes(StandardCharsets.UTF_8))).termination();
        assertThat(odd.outcome()).isEqualTo(Termination.Outcome.STOPPED);
        assertThat(odd.wireOutcome()).isEqualTo("3");
    }

    /** Readers ignore fields they do not know: adding one is not a version change. */
    @Test
    void unknownFieldsAreIgnored() throws Exception {
        StreamOpsEvent beat = Fixtures.heartbeatEvent(true);
        ObjectNode event = tree(beat).put("addedLater", true);
        ((ObjectNode) event.get("heartbeat")).put("alsoNew", 3);

        assertThat(CODEC.read(event.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(beat);
    }
}
