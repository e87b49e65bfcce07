package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards in dashboards/, read as Grafana reads them: panels, their targets, the variables. */
final class Dashboards {
    static final Path DIR = Tool.REPO.resolve("dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's {@code label_values(selector, label)} variable query. */
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    record Dashboard(Path file, JsonNode json) {
        String name() {
            return file.getFileName().toString();
        }

        /** Every panel, rows' nested panels included. */
        List<JsonNode> panels() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode p : json.path("panels")) {
                out.add(p);
                p.path("panels").forEach(out::add);
            }
            return out;
        }

        List<Target> targets() {
            List<Target> out = new ArrayList<>();
            for (JsonNode p : panels()) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Target(this, p.path("id").asInt(), p.path("title").asText(), t.path("refId").asText(),
                            t.path("expr").asText()));
                }
            }
            return out;
        }

        List<JsonNode> variables() {
            List<JsonNode> out = new ArrayList<>();
            json.path("templating").path("list").forEach(out::add);
            return out;
        }

        /** The query variables in order (each may use those before it). */
        List<JsonNode> queryVariables() {
            return variables().stream().filter(v -> v.path("type").asText().equals("query")).toList();
        }
    }

    /** One query of one panel. */
    record Target(Dashboard dashboard, int panelId, String panelTitle, String refId, String expr) {
        String where() {
            return dashboard.name() + " panel " + panelId + " '" + panelTitle + "' target " + refId;
        }
    }

    static List<Dashboard> all() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(Dashboards::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard read(Path file) {
        try {
            return new Dashboard(file, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("not valid JSON: " + file + ": " + e.getMessage(), e);
        }
    }

    /** The variable query's text (Grafana keeps it in query.query, older dashboards in query or definition). */
    static String variableQuery(JsonNode variable) {
        JsonNode q = variable.path("query");
        return q.isObject() ? q.path("query").asText() : q.asText();
    }

    /**
     * {@code expr} with Grafana's variables filled in: {@code $__rate_interval} by {@code rateInterval}, the
     * dashboard's own by {@code values} (an unknown one is left as is, so Prometheus rejects it).
     */
    static String fill(String expr, String rateInterval, Map<String, String> values) {
        String withInterval = expr.replace("$__rate_interval", rateInterval);
        Matcher m = VARIABLE.matcher(withInterval);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(name, m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Dashboards() {
    }
}
