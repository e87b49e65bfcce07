package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamops.observability.Dashboards.Dashboard;
import io.streamops.observability.Dashboards.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lints every dashboard as Grafana's dashboard linter would, and has the real promtool parse every
 * expression. Each check collects all problems with where they are, so one run names them all.
 */
class DashboardLintTest {
    private static final String DATASOURCE = "${datasource}";
    private static final Pattern RANGE_FUNCTION = Pattern.compile("\\b(rate|irate|increase)\\s*\\(");
    private static final Pattern RANGE = Pattern.compile("\\[([^]]*)]");
    /** Counters and the counter parts of summaries and histograms; every other series is a gauge. */
    private static final Pattern COUNTER = Pattern.compile("\\b\\w+_(total|count|sum|bucket)\\b");
    private static final Pattern SERIES = Pattern.compile("\\b(streamops_\\w+|ALERTS)\\b");
    /** A vector selector with its label matchers. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(streamops_\\w+|ALERTS)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The exporter's documented notification link (exporter.example.yaml's dashboard_url), which the query id ends. */
    private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final Pattern DASHBOARD_URL = Pattern.compile("#\\s*dashboard_url:\\s*(\\S+)");

    private final List<Dashboard> dashboards = Dashboards.all();
    private final List<String> problems = new ArrayList<>();

    @Test
    void thereAreTheFleetAndTheQueryDashboards() {
        assertThat(dashboards).extracting(d -> d.json().path("uid").asText())
                .containsExactlyInAnyOrder("streamops-fleet", "streamops-query");
    }

    @Test
    void importableAsPublished() {
        Set<String> uids = new HashSet<>();
        for (Dashboard d : dashboards) {
            JsonNode j = d.json();
            String uid = j.path("uid").asText();
            check(!uid.isEmpty() && uid.length() <= 40, d.name() + ": uid '" + uid + "' must be 1 to 40 characters");
            check(uids.add(uid), d.name() + ": uid '" + uid + "' used twice");
            check(j.path("schemaVersion").asInt() == 42, d.name() + ": schemaVersion must be 42");
            check(j.path("id").isNull(), d.name() + ": id must be null (Grafana assigns it)");
            check(!j.path("title").asText().isBlank() && !j.path("description").asText().isBlank(), d.name() + ": title and description");
            JsonNode input = j.path("__inputs").path(0);
            check(input.path("name").asText().equals("DS_PROMETHEUS") && input.path("type").asText().equals("datasource")
                    && input.path("pluginId").asText().equals("prometheus"), d.name() + ": __inputs must declare DS_PROMETHEUS, a prometheus datasource");
            String withoutInputs = ((com.fasterxml.jackson.databind.node.ObjectNode) j.deepCopy()).without("__inputs").toString();
            check(withoutInputs.contains("${" + input.path("name").asText() + "}"),
                    d.name() + ": __inputs declares " + input.path("name").asText() + " but nothing uses it (the datasource variable's current)");
            Set<String> required = new HashSet<>();
            j.path("__requires").forEach(r -> required.add(r.path("type").asText() + ":" + r.path("id").asText()));
            check(required.contains("grafana:grafana") && required.contains("datasource:prometheus"), d.name() + ": __requires grafana and prometheus");
            for (JsonNode p : d.panels()) {
                if (!p.path("type").asText().equals("row")) {
                    check(required.contains("panel:" + p.path("type").asText()), d.name() + ": __requires lacks panel type " + p.path("type").asText());
                }
            }
        }
        assertNoProblems();
    }

    @Test
    void panelsHaveUniqueIdsAndFitTheGridWithoutOverlap() {
        for (Dashboard d : dashboards) {
            Set<Integer> ids = new HashSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode p : d.panels()) {
                int id = p.path("id").asInt(-1);
                check(id > 0 && ids.add(id), d.name() + ": panel id " + id + " missing or used twice");
                JsonNode g = p.path("gridPos");
                int x = g.path("x").asInt(-1), y = g.path("y").asInt(-1), w = g.path("w").asInt(0), h = g.path("h").asInt(0);
                check(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, d.name() + " panel " + id + ": gridPos " + g + " outside the 24-column grid");
                for (int[] b : boxes) {
                    boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                    check(!overlap, d.name() + " panel " + id + ": overlaps panel " + b[4]);
                }
                boxes.add(new int[] {x, y, w, h, id});
            }
        }
        assertNoProblems();
    }

    @Test
    void aDatasourceVariableIsUsedByEveryPanelTargetAndVariable() {
        for (Dashboard d : dashboards) {
            List<JsonNode> sources = d.variables().stream().filter(v -> v.path("type").asText().equals("datasource")).toList();
            check(sources.size() == 1 && sources.get(0).path("name").asText().equals("datasource")
                    && sources.get(0).path("query").asText().equals("prometheus"), d.name() + ": one prometheus datasource variable named datasource");
            check(d.variables().stream().anyMatch(v -> v.path("name").asText().equals("job")), d.name() + ": a job variable");
            for (JsonNode p : d.panels()) {
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                String where = d.name() + " panel " + p.path("id").asInt();
                check(p.path("datasource").path("uid").asText().equals(DATASOURCE), where + ": datasource must be " + DATASOURCE);
                check(!p.path("title").asText().isBlank() && !p.path("description").asText().isBlank(), where + ": title and description");
                check(p.path("targets").size() > 0, where + ": no targets");
                for (JsonNode t : p.path("targets")) {
                    check(t.path("datasource").path("uid").asText().equals(DATASOURCE), where + " target " + t.path("refId").asText() + ": datasource must be " + DATASOURCE);
                }
            }
            for (JsonNode v : d.queryVariables()) {
                String where = d.name() + " variable " + v.path("name").asText();
                check(v.path("datasource").path("uid").asText().equals(DATASOURCE), where + ": datasource must be " + DATASOURCE);
                check(v.path("refresh").asInt() == 2, where + ": must refresh on time range change (refresh 2)");
                check(Dashboards.LABEL_VALUES.matcher(Dashboards.variableQuery(v)).matches(), where + ": a label_values(...) query");
            }
        }
        assertNoProblems();
    }

    @Test
    void everyPanelHasAUnit() {
        for (Dashboard d : dashboards) {
            for (JsonNode p : d.panels()) {
                if (!p.path("type").asText().equals("row")) {
                    check(!p.path("fieldConfig").path("defaults").path("unit").asText().isBlank(),
                            d.name() + " panel " + p.path("id").asInt() + " '" + p.path("title").asText() + "': no unit");
                }
            }
        }
        assertNoProblems();
    }

    @Test
    void ratesUseRateIntervalAndCountersAreOnlyReadThroughRate() {
        for (Dashboard d : dashboards) {
            for (Target t : d.targets()) {
                String expr = t.expr();
                check(!expr.isBlank(), t.where() + ": no expression");
                Matcher range = RANGE.matcher(expr);
                while (range.find()) {
                    check(range.group(1).equals("$__rate_interval"), t.where() + ": range [" + range.group(1) + "] must be [$__rate_interval]");
                }
                Matcher series = SERIES.matcher(expr);
                while (series.find()) {
                    boolean counter = COUNTER.matcher(series.group()).matches();
                    boolean inRate = insideRateFunction(expr, series.start());
                    check(!counter || inRate, t.where() + ": counter " + series.group() + " read without rate()");
                    check(counter || !inRate, t.where() + ": gauge " + series.group() + " read through rate() (rate of a gauge is meaningless)");
                }
            }
        }
        assertNoProblems();
    }

    /**
     * Every selector of a streaming job's series selects the dashboard's $job (the exporter's own
     * streamops_exporter_* have none); on the Query dashboard also $query and the one run $query_id, so two
     * runs of a query sharing a name (a restart on a fresh checkpoint) are never merged.
     */
    @Test
    void targetsSelectTheDashboardsVariables() {
        for (Dashboard d : dashboards) {
            boolean queryDashboard = d.json().path("uid").asText().equals("streamops-query");
            for (Target t : d.targets()) {
                Matcher series = SERIES.matcher(t.expr());
                while (series.find()) {
                    if (series.group().startsWith("streamops_exporter_")) {
                        continue;
                    }
                    Matcher selector = SELECTOR.matcher(t.expr()).region(series.start(), t.expr().length());
                    String where = t.where() + " selector " + series.group();
                    if (!selector.lookingAt()) {
                        check(false, where + ": no {...} selecting the dashboard's variables");
                        continue;
                    }
                    Map<String, String> m = matchers(selector.group(2));
                    check(m.getOrDefault("job", "").matches("=~?\\$job"), where + ": must select job=~\"$job\"");
                    if (queryDashboard) {
                        check(m.getOrDefault("query", "").matches("=~?\\$query"), where + ": must select query=~\"$query\"");
                        check(m.getOrDefault("query_id", "").equals("=$query_id"), where + ": must select query_id=\"$query_id\"");
                    }
                }
            }
        }
        assertNoProblems();
    }

    /**
     * A query restarted on a fresh checkpoint has a new query_id while the old run's series stay (until the
     * exporter's forget_after): an aggregation that keeps query but not query_id adds the two runs up, and a
     * legend naming the query alone shows two lines alike. The Query dashboard selects one query_id instead.
     */
    @Test
    void runsOfAQuerySharingANameAreNeverMerged() {
        for (Dashboard d : dashboards) {
            for (JsonNode p : d.panels()) {
                for (JsonNode t : p.path("targets")) {
                    String where = d.name() + " panel " + p.path("id").asInt() + " target " + t.path("refId").asText();
                    Matcher by = BY.matcher(t.path("expr").asText());
                    while (by.find()) {
                        List<String> labels = List.of(by.group(1).replace(" ", "").split(","));
                        check(!labels.contains("query") || labels.contains("query_id"), where + ": by (" + by.group(1) + ") keeps query but not query_id");
                    }
                    String legend = t.path("legendFormat").asText();
                    check(!legend.contains("{{query}}") || legend.contains("{{query_id}}"), where + ": legend " + legend + " names the query without its query_id");
                }
            }
        }
        assertNoProblems();
    }

    /** label -> operator and value, e.g. job -> "=~$job". */
    private static Map<String, String> matchers(String inside) {
        Map<String, String> out = new HashMap<>();
        Matcher m = MATCHER.matcher(inside);
        while (m.find()) {
            out.put(m.group(1), m.group(2) + m.group(3));
        }
        return out;
    }

    /**
     * The exporter's notification link names only the query id. Opened, Grafana takes query_id from the
     * URL and every other variable from its saved value (job and query at All): the query_id variable must
     * then offer the linked id (else Grafana replaces it with its first option) and every panel must select
     * that run of the query and no other run of the same name.
     */
    @Test
    void aNotificationLinkWithTheQueryIdSelectsThatQuery() throws Exception {
        Matcher documented = DASHBOARD_URL.matcher(Files.readString(Tool.REPO.resolve("exporter").resolve("exporter.example.yaml")));
        assertThat(documented.find()).as("exporter.example.yaml documents dashboard_url").isTrue();
        String linkedId = "8f14e45f-ceea-467f-a0e6-1d2b3c4d5e6f";
        URI link = URI.create(documented.group(1) + linkedId);
        Matcher uid = Pattern.compile("^/d/([^/]+)").matcher(link.getPath());
        assertThat(uid.find()).as(link.toString()).isTrue();
        Dashboard d = dashboards.stream().filter(x -> x.json().path("uid").asText().equals(uid.group(1))).findFirst()
                .orElseThrow(() -> new AssertionError("the link " + link + " names no dashboard's uid"));
        Map<String, String> fromUrl = new HashMap<>();
        for (String param : link.getRawQuery().split("&")) {
            String[] kv = param.split("=", 2);
            if (kv[0].startsWith("var-")) {
                fromUrl.put(kv[0].substring(4), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        assertThat(fromUrl).containsEntry("query_id", linkedId);
        Map<String, String> values = new HashMap<>();
        for (JsonNode v : d.queryVariables()) {
            String name = v.path("name").asText();
            boolean savedAll = v.path("current").path("value").asText().equals("$__all");
            check(fromUrl.containsKey(name) || (v.path("includeAll").asBoolean() && savedAll),
                    d.name() + " variable " + name + ": neither in the link nor saved at All, so the link cannot choose it");
            values.put(name, fromUrl.getOrDefault(name, v.path("allValue").asText()));
        }
        JsonNode queryId = d.queryVariables().stream().filter(v -> v.path("name").asText().equals("query_id")).findFirst().orElse(null);
        check(queryId != null && !queryId.path("multi").asBoolean() && !queryId.path("includeAll").asBoolean(),
                d.name() + ": a single-valued query_id variable without All");
        Map<String, String> linked = Map.of("job", "shop", "query", "orders-by-window", "query_id", linkedId);
        Map<String, String> otherRun = Map.of("job", "shop", "query", "orders-by-window", "query_id", "a-restarted-run");
        if (queryId != null) {
            Matcher lv = Dashboards.LABEL_VALUES.matcher(Dashboards.variableQuery(queryId));
            check(lv.matches() && selects(Dashboards.fill(lv.group(1), "1m", values), linked),
                    d.name() + ": the query_id variable's options leave out the linked id, so Grafana drops it");
        }
        for (Target t : d.targets()) {
            String expr = Dashboards.fill(t.expr(), "1m", values);
            check(selects(expr, linked), t.where() + ": does not select the linked query: " + expr);
            check(!selects(expr, otherRun), t.where() + ": also selects another run of the same name: " + expr);
        }
        assertNoProblems();
    }

    /** Whether every selector in {@code expr} admits a series with {@code labels} (job, query and query_id matchers). */
    private static boolean selects(String expr, Map<String, String> labels) {
        Matcher selector = SELECTOR.matcher(expr);
        boolean any = false;
        while (selector.find()) {
            any = true;
            Matcher m = MATCHER.matcher(selector.group(2));
            while (m.find()) {
                String value = labels.get(m.group(1));
                if (value == null) {
                    continue;
                }
                boolean ok = switch (m.group(2)) {
                    case "=" -> value.equals(m.group(3));
                    case "!=" -> !value.equals(m.group(3));
                    case "=~" -> Pattern.compile(m.group(3)).matcher(value).matches();
                    default -> !Pattern.compile(m.group(3)).matcher(value).matches();
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return any;
    }

    /** Whether position {@code at} lies within the parentheses of a rate(), irate() or increase() call. */
    private static boolean insideRateFunction(String expr, int at) {
        Matcher f = RANGE_FUNCTION.matcher(expr);
        while (f.find() && f.end() <= at) {
            int depth = 1;
            int i = f.end();
            for (; i < expr.length() && depth > 0; i++) {
                depth += expr.charAt(i) == '(' ? 1 : expr.charAt(i) == ')' ? -1 : 0;
            }
            if (at < i) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every expression and variable query, its variables filled in, parsed by the real promtool: each goes
     * in as a recording rule named after its dashboard and panel, which promtool names in its errors.
     */
    @Test
    void promtoolParsesEveryExpression(@TempDir Path dir) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Map<String, String>> rules = new ArrayList<>();
        for (Dashboard d : dashboards) {
            Map<String, String> values = new HashMap<>();
            d.variables().forEach(v -> values.put(v.path("name").asText(), "example"));
            for (Target t : d.targets()) {
                String record = "lint:" + d.json().path("uid").asText().replace('-', '_') + ":panel_" + t.panelId() + "_" + t.refId();
                rules.add(Map.of("record", record, "expr", Dashboards.fill(t.expr(), "1m", values)));
            }
            for (JsonNode v : d.queryVariables()) {
                Matcher m = Dashboards.LABEL_VALUES.matcher(Dashboards.variableQuery(v));
                if (m.matches()) {
                    String record = "lint:" + d.json().path("uid").asText().replace('-', '_') + ":variable_" + v.path("name").asText();
                    rules.add(Map.of("record", record, "expr", Dashboards.fill(m.group(1), "1m", values)));
                }
            }
        }
        Path file = dir.resolve("dashboard-expressions.rules.yml");
        yaml.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules))));
        Tool check = Tool.run(List.of("promtool", "check", "rules", file.toString()));
        assertThat(check.ok()).as("promtool on the dashboards' expressions (lint:<uid>:panel_<id>_<refId>):%n%s", check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS: " + rules.size() + " rules found");
    }

    @Test
    void aProvisioningFileSitsBesideThem() throws Exception {
        JsonNode provisioning = new ObjectMapper(new YAMLFactory()).readTree(Dashboards.DIR.resolve("provisioning").resolve("streamops.yaml").toFile());
        assertThat(provisioning.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = provisioning.path("providers").path(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).isNotBlank();
        assertThat(Files.list(Dashboards.DIR).filter(f -> f.toString().endsWith(".json")).count()).isEqualTo(dashboards.size());
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }

    private void assertNoProblems() {
        assertThat(problems).isEmpty();
    }
}
