package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version-1 event schema (loaded through {@link EventContract#openSchema()}) accepts what
 * {@link EventCodec} writes for every kind of event, made from real Spark 3.5 recordings, and rejects
 * broken ones.
 */
class EventSchemaTest {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static JsonNode schemaTree;
    private static JsonSchema eventSchema;
    private static JsonSchema signalsSchema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = EventContract.openSchema()) {
            schemaTree = Fixtures.JSON.readTree(in);
        }
        assertThat(schemaTree.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
        try (InputStream in = EventContract.openSchema()) {
            eventSchema = FACTORY.getSchema(in);
        }
        signalsSchema = FACTORY.getSchema(schemaTree.at("/properties/signals"));
    }

    // ---------------------------------------------------------------- valid events

    @ParameterizedTest
    @ValueSource(strings = {ProgressSignalsTest.KAFKA_BATCH_3, ProgressSignalsTest.KAFKA_BATCH_3_COMPACT,
            ProgressSignalsTest.KAFKA_BATCH_0, ProgressSignalsTest.IDLE_BATCH_0, ProgressSignalsTest.IDLE_AFTER,
            ProgressSignalsTest.RATE_NO_WATERMARK, ProgressSignalsTest.RATE_EVICTED, ProgressSignalsTest.RATE_LAST,
            ProgressSignalsTest.FOREACH_BATCH, ProgressSignalsTest.OBSERVE})
    void signalsOfEveryRecordedProgressValidate(String fixture) {
        JsonNode progress = Fixtures.json(fixture);
        ObjectNode signals = Fixtures.signalsJson(ProgressSignals.from(progress));

        assertThat(signalsSchema.validate(signals)).isEmpty();
        assertThat(eventSchema.validate(progressEvent(progress))).isEmpty();
    }

    @Test
    void signalsWithNullLagAndNoSourcesValidate() {
        ObjectNode progress = Fixtures.object(ProgressSignalsTest.OBSERVE);
        ((ObjectNode) progress.get("sources").get(0)).putNull("latestOffset");
        ObjectNode signals = Fixtures.signalsJson(ProgressSignals.from(progress));
        assertThat(signals.get("recordsBehindLatest").isNull()).isTrue();
        assertThat(signalsSchema.validate(signals)).isEmpty();
        assertThat(eventSchema.validate(progressEvent(progress))).isEmpty();

        progress.putArray("sources");
        assertThat(signalsSchema.validate(Fixtures.signalsJson(ProgressSignals.from(progress)))).isEmpty();
    }

    @Test
    void signalsWithUnknownRatesAndSourceKindsValidate() {
        ObjectNode progress = Fixtures.object(ProgressSignalsTest.KAFKA_BATCH_3);
        progress.remove("inputRowsPerSecond");
        progress.remove("processedRowsPerSecond");
        ObjectNode signals = Fixtures.signalsJson(ProgressSignals.from(progress));
        assertThat(signals.get("inputRowsPerSecond").isNull()).isTrue();
        assertThat(signals.at("/sources/0/kind").asText()).isEqualTo("kafka");
        assertThat(signalsSchema.validate(signals)).isEmpty();
        ((ObjectNode) signals.at("/sources/0")).put("kind", 3);
        assertThat(signalsSchema.validate(signals)).isNotEmpty();
    }

    @Test
    void startedEventsValidate() {
        assertThat(eventSchema.validate(startedEvent("kafka-source.query-started.event.json"))).isEmpty();
        ObjectNode unnamed = startedEvent("failing-udf-unnamed.query-started.event.json");
        assertThat(unnamed.get("query").get("name").isNull()).isTrue();
        assertThat(eventSchema.validate(unnamed)).isEmpty();
    }

    @Test
    void idleEventsValidate() {
        ObjectNode event = idleEvent("idle.query-idle.event.json", "idle.query-started.event.json");
        assertThat(event.at("/query/name").asText()).isNotEmpty();
        assertThat(eventSchema.validate(event)).isEmpty();

        // Of a query the listener did not see start, the name is unknown.
        ((ObjectNode) event.get("query")).putNull("name");
        assertThat(eventSchema.validate(event)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka-source", "failing-foreachbatch", "failing-analysis-error"})
    void terminatedEventsValidate(String query) {
        ObjectNode event = terminatedEvent(query);
        String outcome = event.get("termination").get("outcome").asText();
        if (query.startsWith("failing")) {
            assertThat(outcome).isEqualTo("failed");
            assertThat(event.get("termination").get("exceptionMessage").asText()).doesNotContain("\n");
        } else {
            assertThat(outcome).isEqualTo("stopped");
        }

        assertThat(eventSchema.validate(event)).isEmpty();
    }

    @Test
    void heartbeatEventsValidate() {
        assertThat(eventSchema.validate(heartbeatEvent())).isEmpty();

        ObjectNode unreachable = unreachableHeartbeatEvent();
        assertThat(unreachable.at("/heartbeat/status").isNull()).isTrue();
        assertThat(unreachable.at("/heartbeat/lastBatchId").isNull()).isTrue();
        assertThat(eventSchema.validate(unreachable)).isEmpty();
    }

    // ---------------------------------------------------------------- broken events

    @Test
    void progressEventWithoutSignalsIsRejected() {
        ObjectNode event = progressEvent(Fixtures.json(ProgressSignalsTest.KAFKA_BATCH_3));
        assertThat(eventSchema.validate(event)).isEmpty();
        event.remove("signals");

        Set<ValidationMessage> errors = eventSchema.validate(event);

        assertThat(errors).isNotEmpty();
        assertThat(errors).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("required");
            assertThat(m.getMessage()).contains("signals");
        });
    }

    @Test
    void signalsMissingARequiredFieldAreRejected() {
        ObjectNode signals = Fixtures.signalsJson(ProgressSignals.from(Fixtures.json(ProgressSignalsTest.RATE_EVICTED)));
        signals.remove("watermarkDelayMs");

        assertThat(signalsSchema.validate(signals)).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("required");
            assertThat(m.getMessage()).contains("watermarkDelayMs");
        });
    }

    @Test
    void version2IsRejected() {
        ObjectNode event = startedEvent("kafka-source.query-started.event.json");
        event.put("version", 2);

        Set<ValidationMessage> errors = eventSchema.validate(event);

        assertThat(errors).isNotEmpty();
        assertThat(errors).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("const");
            assertThat(m.getMessage()).contains("version");
        });
    }

    @Test
    void unknownTypeIsRejected() {
        ObjectNode event = startedEvent("kafka-source.query-started.event.json");
        event.put("type", "paused");

        Set<ValidationMessage> errors = eventSchema.validate(event);

        assertThat(errors).isNotEmpty();
        assertThat(errors).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("enum");
            assertThat(m.getMessage()).contains("type");
        });
    }

    @Test
    void heartbeatWithoutHeartbeatObjectIsRejected() {
        ObjectNode event = heartbeatEvent();
        event.remove("heartbeat");

        Set<ValidationMessage> errors = eventSchema.validate(event);

        assertThat(errors).isNotEmpty();
        assertThat(errors).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("required");
            assertThat(m.getMessage()).contains("heartbeat");
        });
    }

    @Test
    void terminatedWithoutTerminationIsRejected() {
        ObjectNode event = terminatedEvent("failing-foreachbatch");
        event.remove("termination");

        assertThat(eventSchema.validate(event)).anySatisfy(m -> assertThat(m.getMessage()).contains("termination"));
    }

    @Test
    void negativeRecordsBehindIsRejected() {
        ObjectNode event = progressEvent(Fixtures.json(ProgressSignalsTest.KAFKA_BATCH_3));
        ObjectNode partition = (ObjectNode) event.at("/signals/sources/0/partitions/0");
        assertThat(partition.get("recordsBehind").asLong()).isPositive();
        partition.put("recordsBehind", -partition.get("recordsBehind").asLong());

        Set<ValidationMessage> errors = eventSchema.validate(event);

        assertThat(errors).isNotEmpty();
        assertThat(errors).anySatisfy(m -> {
            assertThat(m.getType()).isEqualTo("minimum");
            assertThat(m.getMessage()).contains("recordsBehind");
        });
        assertThat(signalsSchema.validate(event.get("signals"))).isNotEmpty();
    }

    @Test
    void negativeSourceRecordsBehindLatestIsRejected() {
        ObjectNode event = progressEvent(Fixtures.json(ProgressSignalsTest.RATE_EVICTED));
        ((ObjectNode) event.at("/signals/sources/0")).put("recordsBehindLatest", -1);

        assertThat(eventSchema.validate(event)).anySatisfy(m -> assertThat(m.getType()).isEqualTo("minimum"));
    }

    @Test
    void schemaTypeEnumIsExactlyTheEventTypes() {
        List<String> wire = new ArrayList<>();
        for (EventType t : EventType.values()) {
            wire.add(t.wireName());
        }
        List<String> schemaTypes = new ArrayList<>();
        schemaTree.at("/properties/type/enum").forEach(n -> schemaTypes.add(n.asText()));

        assertThat(schemaTypes).containsExactlyInAnyOrderElementsOf(wire);
        assertThat(schemaTree.at("/properties/version/const").asInt()).isEqualTo(EventContract.VERSION);
    }

    // ---------------------------------------------------------------- what the codec writes, as trees

    private static ObjectNode written(StreamOpsEvent event) {
        try {
            return (ObjectNode) Fixtures.JSON.readTree(Fixtures.CODEC.write(event));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ObjectNode progressEvent(JsonNode progress) {
        return written(Fixtures.progressEvent(progress));
    }

    private static ObjectNode startedEvent(String fixture) {
        return written(Fixtures.startedEvent(fixture));
    }

    private static ObjectNode idleEvent(String fixture, String startedFixture) {
        return written(Fixtures.idleEvent(fixture, startedFixture));
    }

    private static ObjectNode terminatedEvent(String query) {
        return written(Fixtures.terminatedEvent(query));
    }

    private static ObjectNode heartbeatEvent() {
        return written(Fixtures.heartbeatEvent(true));
    }

    private static ObjectNode unreachableHeartbeatEvent() {
        return written(Fixtures.heartbeatEvent(false));
    }
}
