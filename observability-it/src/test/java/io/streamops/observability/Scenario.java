package io.streamops.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded 50-minute run of one job, as the listener would have sent it (progress and heartbeats every
 * 10 s), built so that every fleet alert fires and most resolve:
 * <ul>
 *   <li>payments: processes half its input, 12 s batches on a 10 s trigger, a lag over 100k that grows, an
 *       hour-old watermark and state over 256 MiB that grows, until it is fixed at 25 min (its state stops
 *       growing at 40 min): QueryFallingBehind, KafkaLagGrowing, BatchSlowerThanTrigger, WatermarkDelayHigh,
 *       StateMemoryGrowing;</li>
 *   <li>audit: fails at 12 min and runs again from 20 min: QueryFailed;</li>
 *   <li>ledger: its driver's listener drops 7 events at 5 min 15 s (ListenerDroppingEvents), a trigger hangs from
 *       10 to 17 min (QueryStalled), the driver dies at 30 min (DriverLost);</li>
 *   <li>quiet: idle throughout (no data): nothing.</li>
 * </ul>
 */
final class Scenario {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LENGTH = Duration.ofMinutes(50);
    static final String JOB = "shop";
    /**
     * When ledger's listener drops events, and how many: its heartbeats say so. The exporter shows a drop
     * from the heartbeat that reports it to the next (10 s); the heartbeat at 315 s is one that a 15 s
     * scrape sees (alert-rules/README.md: scrape the exporter at least as often as the drivers' heartbeat).
     */
    static final int DROPPED_AT = 315;
    static final int DROPPED = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();

    static Path write(Path file) throws IOException {
        Scenario s = new Scenario();
        s.payments();
        s.audit();
        s.ledger();
        s.quiet();
        Files.write(file, s.lines);
        return file;
    }

    private void payments() {
        Query q = new Query("payments", "p1");
        started(q, "p1-run1", 0);
        double behind = 150_000;
        for (int t = 10, batch = 0; t <= LENGTH.toSeconds(); t += 10, batch++) {
            boolean broken = t < 1500;
            behind = broken ? behind + 500 : Math.max(0, behind - 5_000);
            double memory = 300e6 + 1e6 * Math.min(batch, 240);
            progress(q, "p1-run1", t, batch, 100, broken ? 50 : 200, broken ? 12_000 : 5_000, behind,
                    broken ? 4_000_000L : 60_000L, memory);
            heartbeat(q, "p1-run1", t + 5, batch, true, true, 0);
        }
    }

    private void audit() {
        Query q = new Query("audit", "a1");
        started(q, "a1-run1", 0);
        for (int t = 10, batch = 0; t < 725; t += 10, batch++) {
            progress(q, "a1-run1", t, batch, 10, 10, 1_000, 0, null, 0);
            heartbeat(q, "a1-run1", t + 5, batch, true, true, 0);
        }
        terminated(q, "a1-run1", 725);
        started(q, "a1-run2", 1205);
        for (int t = 1210, batch = 72; t <= LENGTH.toSeconds(); t += 10, batch++) {
            progress(q, "a1-run2", t, batch, 10, 10, 1_000, 0, null, 0);
            heartbeat(q, "a1-run2", t + 5, batch, true, true, 0);
        }
    }

    private void ledger() {
        Query q = new Query("ledger", "l1");
        started(q, "l1-run1", 0);
        int batch = 0;
        for (int t = 10; t < 1800; t += 10) {
            boolean hung = t > 600 && t < 1020;
            if (!hung) {
                progress(q, "l1-run1", t, batch++, 20, 20, 1_000, 0, null, 0);
            }
            heartbeat(q, "l1-run1", t + 5, batch, true, true, t + 5 >= DROPPED_AT ? DROPPED : 0);
        }
    }

    private void quiet() {
        Query q = new Query("quiet", "q3");
        started(q, "q3-run1", 0);
        for (int t = 10; t <= LENGTH.toSeconds(); t += 10) {
            ObjectNode idle = envelope(q, "q3-run1", "idle", t);
            lines.add(idle.toString());
            heartbeat(q, "q3-run1", t + 5, 0, false, false, 0);
        }
    }

    private record Query(String name, String id) {
    }

    private ObjectNode envelope(Query q, String runId, String type, int second) {
        String at = START.plusSeconds(second).toString();
        ObjectNode e = JSON.createObjectNode().put("version", 1).put("type", type)
                .put("eventId", runId + ":" + type + ":" + second).put("timestamp", at).put("emittedAt", at);
        e.putObject("app").put("id", "app-1").put("name", JOB).put("job", JOB).put("host", "127.0.0.1")
                .put("sparkVersion", "3.5.7").put("listenerVersion", "0.1.0-SNAPSHOT").putObject("tags");
        e.putObject("query").put("id", q.id()).put("runId", runId).put("name", q.name());
        return e;
    }

    private void started(Query q, String runId, int second) {
        lines.add(envelope(q, runId, "started", second).toString());
    }

    private void progress(Query q, String runId, int second, int batch, double input, double processed, long durationMs,
                          double behind, Long watermarkDelayMs, double stateMemory) {
        ObjectNode e = envelope(q, runId, "progress", second);
        ObjectNode p = e.putObject("progress").put("id", q.id()).put("runId", runId).put("name", q.name())
                .put("timestamp", START.plusSeconds(second).toString()).put("batchId", batch)
                .put("numInputRows", (long) (input * 10)).put("inputRowsPerSecond", input).put("processedRowsPerSecond", processed);
        p.putObject("durationMs").put("triggerExecution", durationMs).put("addBatch", durationMs - 100);
        p.putArray("stateOperators");
        p.putArray("sources").addObject().put("description", "KafkaV2[Subscribe[" + q.name() + "]]");
        p.putObject("sink").put("description", "noop").put("numOutputRows", -1);
        ObjectNode s = e.putObject("signals").put("batchId", batch).put("numInputRows", (long) (input * 10))
                .put("inputRowsPerSecond", input).put("processedRowsPerSecond", processed).put("batchDurationMs", durationMs)
                .put("recordsBehindLatest", (long) behind).put("stateRows", (long) (stateMemory / 1000))
                .put("stateMemoryBytes", (long) stateMemory).put("stateRowsDroppedByWatermark", 0);
        if (watermarkDelayMs == null) {
            s.putNull("watermarkDelayMs");
        } else {
            s.put("watermarkDelayMs", watermarkDelayMs);
        }
        s.putArray("sources").addObject().put("index", 0).put("description", "KafkaV2[Subscribe[" + q.name() + "]]")
                .put("recordsBehindLatest", (long) behind).putArray("partitions");
        lines.add(e.toString());
    }

    private void heartbeat(Query q, String runId, int second, int lastBatch, boolean triggerActive, boolean dataAvailable, int dropped) {
        ObjectNode e = envelope(q, runId, "heartbeat", second);
        ObjectNode h = e.putObject("heartbeat").put("sequence", second / 10).put("lastBatchId", lastBatch)
                .put("triggerIntervalMs", 10_000).put("listenerEventsDropped", dropped).putNull("secondsSinceLastProgress");
        h.putObject("status").put("message", triggerActive ? "Processing new data" : "Waiting for data to arrive")
                .put("isDataAvailable", dataAvailable).put("isTriggerActive", triggerActive);
        lines.add(e.toString());
    }

    private void terminated(Query q, String runId, int second) {
        ObjectNode e = envelope(q, runId, "terminated", second);
        e.putObject("termination").put("outcome", "failed").put("exception", "java.lang.IllegalStateException: warehouse unreachable\n\tat Job.run")
                .put("exceptionMessage", "java.lang.IllegalStateException: warehouse unreachable").putNull("errorClassOnException");
        lines.add(e.toString());
    }

    private Scenario() {
    }
}
