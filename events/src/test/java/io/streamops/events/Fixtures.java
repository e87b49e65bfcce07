package io.streamops.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real Spark 3.5 listener recordings, copied into this module's test resources
 * (src/test/resources/fixtures/spark-3.5, see its README.md): tests never read outside the module.
 */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final EventCodec CODEC = new EventCodec();
    static final String EMITTED_AT = "2025-11-21T15:02:57.001Z";
    static final String CAPTURED_AT = "2025-11-21T15:02:57Z";
    static final AppIdentity APP = new AppIdentity("local-1763738574123", "fixtures", "fixtures-job", "driver-host",
            "3.5.7", "dev", tags());
    private static final String DIR = "/fixtures/spark-3.5/";

    private Fixtures() {
    }

    static String text(String name) {
        return text(DIR + name, true);
    }

    /** A test resource by its absolute path. */
    static String text(String path, boolean absolute) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + path + " is missing from the test classpath");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return JSON.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code signals} object as {@link EventCodec} writes it, as a tree (tests only: readers use the typed signals). */
    static ObjectNode signalsJson(ProgressSignals signals) {
        try {
            TokenBuffer buffer = new TokenBuffer(JSON, false);
            signals.write(buffer);
            return JSON.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a TokenBuffer does no I/O
        }
    }

    /** A fresh, mutable copy of a fixture object. */
    static ObjectNode object(String name) {
        return (ObjectNode) json(name);
    }

    private static Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<String, String>();
        tags.put("team", "payments");
        tags.put("env", "test");
        return tags;
    }

    // Events of every kind made from the recordings as the listener makes them from Spark's objects.

    private static QueryIdentity query(JsonNode sparkEvent, JsonNode name) {
        return new QueryIdentity(sparkEvent.get("id").asText(), sparkEvent.get("runId").asText(),
                name == null || name.isNull() ? null : name.asText());
    }

    /** {@code progress} as recorded; its compact text is what the listener gets from {@code progress.json()}. */
    static ProgressEvent progressEvent(JsonNode progress) {
        return new ProgressEvent(progress.get("runId").asText() + ":progress:" + progress.get("batchId").asLong(),
                progress.get("timestamp").asText(), EMITTED_AT, APP, query(progress, progress.get("name")),
                progress, progress.toString(), ProgressSignals.from(progress));
    }

    static StartedEvent startedEvent(String fixture) {
        JsonNode started = json(fixture);
        return new StartedEvent(started.get("runId").asText() + ":started", started.get("timestamp").asText(), EMITTED_AT,
                APP, query(started, started.get("name")));
    }

    static IdleEvent idleEvent(String fixture, String startedFixture) {
        JsonNode idle = json(fixture);
        return new IdleEvent(idle.get("runId").asText() + ":idle:" + idle.get("timestamp").asText(),
                idle.get("timestamp").asText(), EMITTED_AT, APP, query(idle, json(startedFixture).get("name")));
    }

    static TerminatedEvent terminatedEvent(String query) {
        JsonNode started = json(query + ".query-started.event.json");
        JsonNode terminated = json(query + ".query-terminated.event.json");
        JsonNode exception = terminated.get("exception");
        JsonNode errorClass = terminated.get("errorClassOnException");
        return new TerminatedEvent(terminated.get("runId").asText() + ":terminated", CAPTURED_AT, EMITTED_AT, APP,
                query(terminated, started.get("name")), Termination.of(exception.isNull() ? null : exception.asText(),
                errorClass.isNull() ? null : errorClass.asText()));
    }

    /** Of the recorded Kafka query; {@code reachable} false: the listener could not reach the query object. */
    static HeartbeatEvent heartbeatEvent(boolean reachable) {
        JsonNode progress = json(ProgressSignalsTest.KAFKA_BATCH_3);
        Heartbeat heartbeat = reachable
                ? new Heartbeat(7, new Heartbeat.Status("Waiting for next trigger", true, false), 1.25,
                        progress.get("batchId").asLong(), 1000L, 10_000L, 3L)
                : new Heartbeat(8, null, null, null, null, 10_000L, 0L);
        return new HeartbeatEvent(progress.get("runId").asText() + ":heartbeat:" + heartbeat.sequence(), CAPTURED_AT,
                EMITTED_AT, APP, query(progress, progress.get("name")), heartbeat);
    }
}
