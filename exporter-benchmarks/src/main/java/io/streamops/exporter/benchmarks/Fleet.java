package io.streamops.exporter.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic fleet of streaming queries made from the real recorded listener events
 * (exporter/src/test/resources/recorded/listener-e2e-run.jsonl, version 1 contract).
 *
 * <p>Every recorded progress event is a template. Templates are grouped by the recorded query they came
 * from (a Kafka source that is behind, a rate source, a windowed aggregation with state and watermark,
 * ...); synthetic query {@code q} takes group {@code q % groups} and cycles through that group's
 * progress events batch by batch, so one query keeps one shape while its rates move as they did in the
 * recording. Only identities and times are rewritten: query id, run id, name, job, event id, batch id and
 * timestamps (top level, {@code progress.*} and {@code signals.batchId}). Everything else, sources,
 * offsets, durations, state operators, stays exactly as the listener wrote it.
 */
final class Fleet {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RECORDING = "listener-e2e-run.jsonl";

    private final List<List<ObjectNode>> progressGroups;
    private final ObjectNode started;
    private final ObjectNode heartbeat;
    private final ObjectNode failed;
    private final int jobs;

    private Fleet(List<List<ObjectNode>> progressGroups, ObjectNode started, ObjectNode heartbeat, ObjectNode failed, int jobs) {
        this.progressGroups = progressGroups;
        this.started = started;
        this.heartbeat = heartbeat;
        this.failed = failed;
        this.jobs = jobs;
    }

    /** Loads the recording from the classpath; queries are spread over {@code jobs} Spark jobs. */
    static Fleet fromRecording(int jobs) {
        Map<String, List<ObjectNode>> byQuery = new LinkedHashMap<>();
        ObjectNode started = null;
        ObjectNode heartbeat = null;
        ObjectNode failed = null;
        try (InputStream in = Fleet.class.getResourceAsStream(RECORDING)) {
            if (in == null) {
                throw new IllegalStateException(RECORDING + " is not on the classpath");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode e = (ObjectNode) JSON.readTree(line);
                switch (e.path("type").asText()) {
                    case "progress" -> byQuery.computeIfAbsent(e.path("query").path("id").asText(), k -> new ArrayList<>()).add(e);
                    case "started" -> started = started == null ? e : started;
                    case "heartbeat" -> {
                        // a heartbeat of a running query whose trigger is active, with a known interval
                        if (heartbeat == null && e.path("heartbeat").path("status").isObject()
                                && e.path("heartbeat").path("triggerIntervalMs").isNumber()) {
                            heartbeat = e;
                        }
                    }
                    case "terminated" -> {
                        if (failed == null && "failed".equals(e.path("termination").path("outcome").asText())) {
                            failed = e;
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (byQuery.isEmpty() || started == null || heartbeat == null || failed == null) {
            throw new IllegalStateException(RECORDING + " lacks a progress, started, heartbeat or failed terminated event");
        }
        return new Fleet(new ArrayList<>(byQuery.values()), started, heartbeat, failed, jobs);
    }

    int progressTemplates() {
        return progressGroups.stream().mapToInt(List::size).sum();
    }

    int shapes() {
        return progressGroups.size();
    }

    static String queryId(int q) {
        return String.format("5e1f0000-0000-4000-8000-%012d", q);
    }

    static String runId(int q) {
        return String.format("0a110000-0000-4000-9000-%012d", q);
    }

    String queryName(int q) {
        return "query-" + q;
    }

    String job(int q) {
        return "job-" + (q % jobs);
    }

    byte[] progress(int q, long batchId, Instant at) {
        List<ObjectNode> group = progressGroups.get(q % progressGroups.size());
        ObjectNode e = base(group.get((int) (batchId % group.size())), q, ":progress:" + batchId, at);
        ObjectNode p = (ObjectNode) e.path("progress");
        p.put("id", queryId(q)).put("runId", runId(q)).put("name", queryName(q)).put("timestamp", at.toString()).put("batchId", batchId);
        ((ObjectNode) e.path("signals")).put("batchId", batchId);
        return bytes(e);
    }

    byte[] started(int q, Instant at) {
        return bytes(base(started, q, ":started", at));
    }

    byte[] heartbeat(int q, long sequence, Instant at) {
        ObjectNode e = base(heartbeat, q, ":heartbeat:" + sequence, at);
        ((ObjectNode) e.path("heartbeat")).put("sequence", sequence);
        return bytes(e);
    }

    byte[] failed(int q, Instant at) {
        return bytes(base(failed, q, ":terminated", at));
    }

    private ObjectNode base(ObjectNode template, int q, String eventSuffix, Instant at) {
        ObjectNode e = template.deepCopy();
        e.put("eventId", runId(q) + eventSuffix).put("timestamp", at.toString()).put("emittedAt", at.plusMillis(3).toString());
        ((ObjectNode) e.path("app")).put("job", job(q)).put("name", job(q));
        ((ObjectNode) e.path("query")).put("id", queryId(q)).put("runId", runId(q)).put("name", queryName(q));
        return e;
    }

    static byte[] bytes(JsonNode e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
