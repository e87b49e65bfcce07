package io.streamops.benchmarks.encode;

import io.streamops.events.AppIdentity;
import io.streamops.events.EventCodec;
import io.streamops.events.Heartbeat;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.ProgressEvent;
import io.streamops.events.ProgressSignals;
import io.streamops.events.QueryIdentity;
import io.streamops.shaded.com.fasterxml.jackson.databind.JsonNode;
import io.streamops.shaded.com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.shaded.com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The listener's per-event work on its dispatcher thread, from what Spark hands over to the message
 * bytes, with the classes of the shaded listener jar (relocated Jackson, as a user runs it): the
 * current {@link EventCodec} beside {@link TreeEncoderBaseline}, the encoder it replaced.
 *
 * <p>{@code progress*}: Spark's {@code progress.json()} text (a recorded Spark 3.5 Kafka query, 3
 * partitions) parsed, its signals derived, and the event written; {@code encodeProgress*}: the writing
 * alone; {@code heartbeat*}: a heartbeat. Run: see BENCHMARKS.md, "Listener encoding".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class EncoderBench {
    private final ObjectMapper json = new ObjectMapper();
    private final EventCodec codec = new EventCodec();
    private final TreeEncoderBaseline baseline = new TreeEncoderBaseline("0.1.0-SNAPSHOT");
    private final UUID queryId = UUID.fromString("c117f890-6d96-46ca-952a-82fa54a4a157");
    private final UUID runId = UUID.fromString("58c7d3dc-98ad-44ca-bbd9-0e6c42a9273b");
    private AppIdentity app;
    private String progressJson;
    private JsonNode progressTree;
    private ProgressSignals signals;
    private long sequence;

    @Setup
    public void load() throws IOException {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("env", "test");
        tags.put("team", "payments");
        app = new AppIdentity("local-1795281994076", "listener-e2e", "grocery-alerts", "127.0.0.1", "3.5.7",
                "0.1.0-SNAPSHOT", tags);
        try (InputStream in = EncoderBench.class.getResourceAsStream("/encode/kafka-progress.json")) {
            progressJson = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        progressTree = json.readTree(progressJson);
        signals = ProgressSignals.from(progressTree);
        // A fair race only if both write the same event: the same JSON, but for the emittedAt clock.
        for (byte[][] pair : new byte[][][] {{encodeProgressCodec(), encodeProgressTreeBaseline()},
                {heartbeatCodec(), heartbeatTreeBaseline()}}) {
            JsonNode a = withoutClocks(json.readTree(pair[0]));
            JsonNode b = withoutClocks(json.readTree(pair[1]));
            if (!a.equals(b)) {
                throw new IllegalStateException("the codec and the baseline write different events:\n" + a + "\n" + b);
            }
        }
        sequence = 0;
    }

    private static JsonNode withoutClocks(JsonNode event) {
        ObjectNode copy = ((ObjectNode) event).deepCopy();
        copy.remove("emittedAt");
        copy.remove("timestamp");
        copy.remove("eventId");
        if (copy.get("heartbeat") instanceof ObjectNode heartbeat) {
            heartbeat.remove("sequence");
        }
        return copy;
    }

    private QueryIdentity query(String name) {
        return new QueryIdentity(queryId.toString(), runId.toString(), name);
    }

    private static String now() {
        return Instant.ofEpochMilli(System.currentTimeMillis()).toString();
    }

    @Benchmark
    public byte[] progressCodec() throws IOException {
        JsonNode tree = json.readTree(progressJson);
        ProgressSignals derived = ProgressSignals.from(tree);
        return codec.write(new ProgressEvent(runId + ":progress:" + derived.batchId(), tree.path("timestamp").asText(), now(),
                app, query(tree.path("name").asText(null)), tree, progressJson, derived));
    }

    @Benchmark
    public byte[] progressTreeBaseline() throws IOException {
        JsonNode tree = json.readTree(progressJson);
        ProgressSignals derived = ProgressSignals.from(tree);
        return baseline.progress(runId + ":progress:" + derived.batchId(), tree.path("timestamp").asText(),
                System.currentTimeMillis(), app, queryId, runId, tree.path("name").asText(null), tree, derived);
    }

    @Benchmark
    public byte[] encodeProgressCodec() {
        return codec.write(new ProgressEvent(runId + ":progress:" + signals.batchId(), "2025-11-21T15:02:57.001Z", now(),
                app, query("purchases-enriched"), progressTree, progressJson, signals));
    }

    @Benchmark
    public byte[] encodeProgressTreeBaseline() throws IOException {
        return baseline.progress(runId + ":progress:" + signals.batchId(), "2025-11-21T15:02:57.001Z",
                System.currentTimeMillis(), app, queryId, runId, "purchases-enriched", progressTree, signals);
    }

    @Benchmark
    public byte[] heartbeatCodec() {
        long seq = sequence++;
        Heartbeat beat = new Heartbeat(seq, new Heartbeat.Status("Waiting for next trigger", true, false), 1.25, 3L,
                1000L, 10_000L, 0L);
        return codec.write(new HeartbeatEvent(runId + ":heartbeat:" + seq, now(), now(), app, query("purchases-enriched"), beat));
    }

    @Benchmark
    public byte[] heartbeatTreeBaseline() throws IOException {
        long seq = sequence++;
        return baseline.heartbeat(runId + ":heartbeat:" + seq, System.currentTimeMillis(), System.currentTimeMillis(), app,
                queryId, runId, "purchases-enriched", seq, "Waiting for next trigger", true, false, 1.25, 3L, 1000L,
                10_000L, 0L);
    }
}
