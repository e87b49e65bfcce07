package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.streamops.observability.Dashboards.Dashboard;
import io.streamops.observability.Dashboards.Target;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import io.streamops.testkit.PrometheusServer;
import io.streamops.testkit.AlertmanagerServer;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real run scraped by a real Prometheus: a Spark job with the shaded listener (a stateful query behind on
 * Kafka, and a query that fails), a real broker, the packaged exporter. Prometheus evaluates the streamops
 * rules and sends to a real Alertmanager running the example config, whose PagerDuty receiver is the
 * PagerDuty contract server. Every panel of every dashboard, its variables filled in from Prometheus's
 * label_values answers, must return data: a metric renamed in code empties a panel and fails here.
 */
class ScrapedRunTest {
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "shop";
    private static final String BEHIND = "orders-by-window";
    private static final String FAILING = "orders-to-warehouse";
    private static final String EXPORTER_KEY = "exporter-routing-key";
    private static final String ALERTMANAGER_KEY = "alertmanager-routing-key";
    private static final Pattern METRIC = Pattern.compile("\\bstreamops_\\w+");

    @Test
    void prometheusScrapesARealRunAndEveryPanelAndThePageWork(@TempDir Path dir) throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer exporterPagerDuty = new PagerDutyContractServer(EXPORTER_KEY);
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ALERTMANAGER_KEY)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1), new NewTopic("orders", 3, (short) 1))).all().get();
            }
            produceOrders(broker.bootstrapServers(), 20_000);
            int exporterPort = Ports.free();
            ExporterConfigFile exporterConfig = ExporterConfigFile.of(broker.bootstrapServers(), exporterPort, Tool.REPO.resolve("alert-rules").resolve("streamops-rules.yaml"),
                            dir.resolve("exporter-data"))
                    .pagerDuty(exporterPagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "exporter@example.com")
;
            // Per-partition lag on, for the Query dashboard's per-partition panel.
            Files.writeString(dir.resolve("exporter.yaml"), exporterConfig.yaml() + "metrics:\n  partition_lag: true\n");
            int driverPort = Ports.freeOtherThan(exporterPort);
            try (ExporterProcess exporter = new ExporterProcess(Tool.REPO.resolve("exporter").resolve("target").resolve("streamops-exporter.jar"),
                    dir.resolve("exporter.yaml"), exporterPort, dir.resolve("exporter.log"), Map.of(ExporterConfigFile.ROUTING_KEY_ENV, EXPORTER_KEY));
                 AlertmanagerServer alertmanager = ExampleAlertmanager.start(dir, pagerDuty.baseUrl(), ALERTMANAGER_KEY,
                         smtp.getSmtp().getPort(), URI.create("http://127.0.0.1:" + exporterPort + "/api/alertmanager"));
                 PrometheusServer prometheus = PrometheusServer.start(dir, prometheusConfig(exporterPort, driverPort, alertmanager))) {
                exporter.awaitReady(WAIT);
                SparkSession spark = SparkSession.builder().master("local[2]").appName(JOB)
                        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                        .config("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener")
                        .config("spark.streamops.kafka.bootstrap.servers", broker.bootstrapServers())
                        .config("spark.streamops.job", JOB)
                        .config("spark.streamops.heartbeat.interval", "1s")
                        .config("spark.streamops.prometheus.host", "127.0.0.1")
                        .config("spark.streamops.prometheus.port", Integer.toString(driverPort))
                        .config("spark.streamops.metrics.terminated.grace", "10m")
                        .getOrCreate();
                try {
                    StreamingQuery behind = spark.readStream().format("kafka")
                            .option("kafka.bootstrap.servers", broker.bootstrapServers())
                            .option("subscribe", "orders").option("startingOffsets", "earliest")
                            .option("maxOffsetsPerTrigger", "30").load()
                            .withWatermark("timestamp", "5 seconds")
                            .groupBy(window(col("timestamp"), "10 seconds")).count()
                            .writeStream().format("noop").outputMode("append").queryName(BEHIND)
                            .option("checkpointLocation", dir.resolve("checkpoint-behind").toString())
                            .trigger(Trigger.ProcessingTime(500)).start();
                    StreamingQuery failing = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "10").load()
                            .writeStream().queryName(FAILING)
                            .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                                if (id >= 2) {
                                    throw new IllegalStateException("warehouse unreachable");
                                }
                            })
                            .trigger(Trigger.ProcessingTime(200)).start();
                    String failingId = failing.id().toString();
                    Await.until("the query to fail", WAIT, () -> !failing.isActive());

                    // The page: Prometheus rule -> Alertmanager -> PagerDuty, for the failing query.
                    JsonNode page = Await.value("Alertmanager's PagerDuty trigger for " + FAILING, WAIT, () -> pagerDuty.acceptedEvents().stream()
                            .filter(e -> e.path("event_action").asText().equals("trigger")
                                    && e.path("payload").path("summary").asText().contains("QueryFailed"))
                            .findFirst().orElse(null));
                    assertThat(pagerDuty.violations()).isEmpty();
                    assertThat(page.path("payload").path("severity").asText()).isEqualTo("critical");
                    JsonNode firing = page.path("payload").path("custom_details").path("firing");
                    assertThat(firing.asText()).contains("alertname = QueryFailed").contains("query = " + FAILING)
                            .contains("query_id = " + failingId).contains("job = " + JOB)
                            .contains("Query " + FAILING + " of job " + JOB + " failed");
                    MimeMessage mail = Await.value("Alertmanager's email about the failure", WAIT, () -> {
                        for (MimeMessage m : smtp.getReceivedMessages()) {
                            try {
                                if (m.getAllRecipients()[0].toString().equals("oncall@example.com") && m.getSubject().contains("QueryFailed")) {
                                    return m;
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return null;
                    });
                    assertThat(mail.getSubject()).contains(JOB);

                    // The exporter's own rules fired QueryFailed too, and its /metrics says so: what the Fleet
                    // dashboard's "Firing alerts" shows to teams that run the exporter's rules and not Prometheus's.
                    String exporterFiring = "streamops_fleet_query_alert_firing{alertname=\"QueryFailed\",severity=\"critical\",job=\"" + JOB
                            + "\",query=\"" + FAILING + "\",query_id=\"" + failingId + "\"} == 1";
                    Await.until("the exporter's QueryFailed in Prometheus", WAIT, () -> hasData(prometheus, exporterFiring));

                    // The behind query has made progress with state and lag, seen through Prometheus.
                    // Five scrapes of its state at least, so rate() over the panels' counters has samples to work on.
                    Await.until(BEHIND + " to have state rows and records behind in Prometheus", WAIT, () ->
                            hasData(prometheus, "count_over_time(streamops_query_state_rows{query=\"" + BEHIND + "\"}[1m]) >= 5")
                                    && hasData(prometheus, "streamops_fleet_query_records_behind_latest{query=\"" + BEHIND + "\"} > 0")
                                    && hasData(prometheus, "streamops_fleet_query_partition_records_behind_latest{query=\"" + BEHIND + "\"}"));
                    assertThat(behind.isActive()).isTrue();

                    // Every rule evaluates cleanly against the real series (no many-to-many or type errors).
                    JsonNode rules = ok(prometheus.get("/api/v1/rules").body());
                    List<String> unhealthy = new ArrayList<>();
                    int ruleCount = 0;
                    for (JsonNode group : rules.path("data").path("groups")) {
                        for (JsonNode rule : group.path("rules")) {
                            ruleCount++;
                            if (!rule.path("health").asText().equals("ok")) {
                                unhealthy.add(rule.path("name").asText() + ": " + rule.path("lastError").asText());
                            }
                        }
                    }
                    assertThat(ruleCount).isEqualTo(9);
                    assertThat(unhealthy).isEmpty();
                    // ... and every series a rule reads is really exported (a renamed one would leave its alert silent).
                    List<String> missing = new ArrayList<>();
                    for (JsonNode rule : PrometheusRulesTest.prometheusAlerts().values()) {
                        Matcher metric = METRIC.matcher(rule.path("expr").asText());
                        while (metric.find()) {
                            if (!hasData(prometheus, "count({__name__=\"" + metric.group() + "\"})")) {
                                missing.add(rule.path("alert").asText() + ": " + metric.group());
                            }
                        }
                    }
                    assertThat(missing).as("series the rules read that nothing exports").isEmpty();

                    // Every panel of every dashboard returns data, variables filled from label_values answers.
                    List<String> empty = new ArrayList<>();
                    int evaluated = 0;
                    // The Query dashboard as the exporter's notification link opens it: ?var-query_id=<id>, the rest saved.
                    String behindId = behind.id().toString();
                    List<String> otherRuns = new ArrayList<>();
                    for (Dashboard d : Dashboards.all()) {
                        boolean queryDashboard = d.json().path("uid").asText().equals("streamops-query");
                        Map<String, String> values = variableValues(prometheus, d, queryDashboard ? Map.of("query_id", behindId) : Map.of());
                        for (Target t : d.targets()) {
                            String expr = Dashboards.fill(t.expr(), "1m", values);
                            JsonNode answer = JSON.readTree(prometheus.query(expr).body());
                            assertThat(answer.path("status").asText()).as(t.where() + ": " + expr + " -> " + answer).isEqualTo("success");
                            if (answer.path("data").path("result").isEmpty()) {
                                empty.add(t.where() + ": " + expr);
                            }
                            for (JsonNode series : answer.path("data").path("result")) {
                                String id = series.path("metric").path("query_id").asText(behindId);
                                if (queryDashboard && !id.equals(behindId)) {
                                    otherRuns.add(t.where() + ": " + series.path("metric"));
                                }
                            }
                            evaluated++;
                        }
                    }
                    assertThat(empty).as("panels without data").isEmpty();
                    // ... and each series a panel reads has data of its own: a panel joining two with `or` still
                    // shows data when one of them was renamed.
                    List<String> unexported = new ArrayList<>();
                    for (Dashboard d : Dashboards.all()) {
                        for (Target t : d.targets()) {
                            Matcher metric = METRIC.matcher(t.expr());
                            while (metric.find()) {
                                if (!hasData(prometheus, "count({__name__=\"" + metric.group() + "\"})")) {
                                    unexported.add(t.where() + ": " + metric.group());
                                }
                            }
                        }
                    }
                    assertThat(unexported).as("series the dashboards read that nothing exports").isEmpty();
                    assertThat(otherRuns).as("Query dashboard panels showing another query than the linked one").isEmpty();
                    assertThat(evaluated).isGreaterThan(30);
                } finally {
                    spark.stop();
                }
            } finally {
                for (String log : List.of("exporter.log", "prometheus.log", "alertmanager.log")) {
                    if (Files.exists(dir.resolve(log))) {
                        Files.copy(dir.resolve(log), Path.of("target", "scraped-run-" + log), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } finally {
            smtp.stop();
        }
    }

    /**
     * The dashboard's variables as Grafana fills them: each label_values query asked of Prometheus in order
     * (with the variables before it filled in), and must offer the value this run is about. A variable
     * given in {@code chosen} (as the exporter's notification link gives query_id) takes that value; one
     * saved at All takes its allValue, as Grafana sends it (".*"); any other the value this run is about.
     */
    private static Map<String, String> variableValues(PrometheusServer prometheus, Dashboard d, Map<String, String> chosen) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> wanted = new LinkedHashMap<>(Map.of("job", JOB, "query", BEHIND));
        wanted.putAll(chosen);
        for (JsonNode v : d.queryVariables()) {
            String name = v.path("name").asText();
            Matcher m = Dashboards.LABEL_VALUES.matcher(Dashboards.variableQuery(v));
            assertThat(m.matches()).as(d.name() + " variable " + name).isTrue();
            String selector = Dashboards.fill(m.group(1), "1m", values);
            JsonNode answer = ok(prometheus.get("/api/v1/label/" + m.group(2) + "/values?match[]="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8)).body());
            List<String> options = new ArrayList<>();
            answer.path("data").forEach(o -> options.add(o.asText()));
            assertThat(options).as(d.name() + " variable " + name + " from " + selector).contains(wanted.get(name));
            boolean savedAll = v.path("current").path("value").asText().equals("$__all");
            values.put(name, !chosen.containsKey(name) && savedAll ? v.path("allValue").asText() : wanted.get(name));
        }
        return values;
    }

    private static boolean hasData(PrometheusServer prometheus, String promql) {
        try {
            return !ok(prometheus.query(promql).body()).path("data").path("result").isEmpty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode ok(String body) throws Exception {
        JsonNode answer = JSON.readTree(body);
        assertThat(answer.path("status").asText()).as(body).isEqualTo("success");
        return answer;
    }

    private static void produceOrders(String bootstrapServers, int count) {
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrapServers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("orders", "shopper-" + (i % 97), "{\"order\":" + i + "}"));
            }
        }
    }

    /** Scrapes the exporter and the driver every second (honor_labels, as the example says) and evaluates the streamops rules. */
    private static String prometheusConfig(int exporterPort, int driverPort, AlertmanagerServer alertmanager) {
        return """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ['%s']
                scrape_configs:
                  - job_name: streamops-exporter
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                  - job_name: spark-drivers
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(Tool.REPO.resolve(PrometheusRulesTest.RULES), alertmanager.url().getAuthority(), exporterPort, driverPort);
    }

}