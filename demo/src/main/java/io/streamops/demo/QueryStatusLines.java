package io.streamops.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * The live line per query (every 2 s, from the exporter's {@code GET /api/fleet}): status, input and
 * processing rates, records behind, batch duration, run id. When a query's run id changes (the same query
 * id, started again from its checkpoint) it says so once.
 */
final class QueryStatusLines {
    private final ExporterApi exporter;
    private final GroceryJobLauncher job;
    private final Console console;
    private final Map<String, String> runs = new HashMap<>();

    QueryStatusLines(ExporterApi exporter, GroceryJobLauncher job, Console console) {
        this.exporter = exporter;
        this.job = job;
        this.console = console;
    }

    synchronized void print() {
        exporter.get("api/fleet?job=" + GroceryJobLauncher.JOB + "&limit=50").ifPresent(page -> {
            for (JsonNode q : page.path("items")) {
                String name = q.path("queryName").asText();
                String queryId = q.path("queryId").asText();
                String runId = q.path("runId").asText();
                String before = runs.put(queryId, runId);
                if (before != null && !before.equals(runId)) {
                    console.line("RESTARTED " + name + ": query id " + queryId + " (unchanged), run " + before + " -> " + runId
                            + ", checkpoint " + job.checkpoint(name));
                }
                console.line(String.format("  %-19s %-11s in %8s/s  processed %9s/s  behind %8s  batch %6s s  run %.8s",
                        name, q.path("status").asText(), number(q, "inputRate"), number(q, "processingRate"),
                        number(q, "recordsBehind"), number(q, "batchDurationSeconds"), runId));
            }
        });
    }

    private static String number(JsonNode q, String field) {
        JsonNode v = q.path(field);
        return v.isNumber() ? (Math.abs(v.asDouble()) >= 100 ? String.format("%.0f", v.asDouble()) : String.format("%.1f", v.asDouble())) : "-";
    }
}
