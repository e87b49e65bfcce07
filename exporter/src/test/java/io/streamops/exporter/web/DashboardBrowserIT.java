package io.streamops.exporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.LocalHttpServer;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web dashboard in real headless Chromium (Debian's chromium and chromedriver, driven by Selenium with
 * both paths given, so nothing is downloaded), served by the packaged exporter fed through a real KRaft
 * broker with events shaped as the listener records them (the recorded run in test resources, re-addressed
 * to a fleet of 61 queries in three jobs). Checks that the charts hold data points, a firing alert shows, a
 * query named {@code <img src=x onerror=alert(1)>} renders as text (no img element, no alert dialog), and
 * that search, job and status filters and paging work, and that a button of {@code dashboard.actions} pressed
 * on the page makes the exporter POST to the action's URL. Saves target/dashboard.png (docs/dashboard.png,
 * which the README shows, is updated by hand from a demo run).
 */
class DashboardBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String XSS_NAME = "<img src=x onerror=alert(1)>";
    private static final String XSS_EXCEPTION = "java.lang.IllegalStateException: poison record <script>alert(2)</script>";
    private static final int PER_JOB = 20;
    private static final List<String> JOBS = List.of("grocery-alerts", "grocery-totals", "loyalty");
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    private static final String ACTION = "Replay <dead> letters";
    /** The exporter's http.token, given through its environment as a deployment would; the page asks for it. */
    private static final String TOKEN = "browser-it-" + Long.toHexString(System.nanoTime());
    private static final String TOKEN_ENV = "STREAMOPS_HTTP_TOKEN";

    /** The recorded run's first event of each type: what a real listener sends, to re-address per query. */
    private final Map<String, ObjectNode> templates = recordedTemplates();

    @Test
    void theDashboardShowsAFleetLiveAndEscapesWhatSparkSends(@TempDir Path dir) throws Exception {
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             LocalHttpServer webhook = LocalHttpServer.answering(200);
             LocalHttpServer actionHook = LocalHttpServer.answering(202)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 6, (short) 1),
                        new NewTopic("streamops-alerts", 6, (short) 1))).all().get();
            }
            Path rules = dir.resolve("rules.yaml");
            Files.writeString(rules, """
                    rules:
                      - name: QueryFailed
                        expr: 'status == "failed"'
                        severity: critical
                        notify: [webhook]
                        annotations:
                          summary: '"Query " + query + " failed: " + exception_message'
                    """);
            int port = Ports.free();
            String http = "http:\n  host: 127.0.0.1\n  port: " + port + "\n";
            String yaml = ExporterConfigFile.of(broker.bootstrapServers(), port, rules, dir.resolve("data"))
                    .webhook(webhook.url()).yaml();
            assertThat(yaml).contains(http);
            Path config = Files.writeString(dir.resolve("exporter.yaml"), yaml.replace(http, http + "  token: ${" + TOKEN_ENV + "}\n"));
            Files.writeString(config, "dashboard:\n  actions:\n    - label: \"" + ACTION + "\"\n      url: " + actionHook.url()
                    + "/hooks/replay\n", java.nio.file.StandardOpenOption.APPEND);
            Path jar = Path.of("target", "streamops-exporter.jar").toAbsolutePath();
            List<Query> fleet = fleet();
            ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
            try (ExporterProcess exporter = new ExporterProcess(jar, config, port, dir.resolve("exporter.log"), Map.of(TOKEN_ENV, TOKEN));
                 KafkaProducer<String, String> producer = producer(broker)) {
                exporter.awaitReady(WAIT);
                for (Query q : fleet) {
                    send(producer, q, event(q, "started", "started", 0));
                }
                AtomicInteger tick = new AtomicInteger();
                feeder.scheduleAtFixedRate(() -> progressAll(producer, fleet, tick.getAndIncrement()), 0, 1, TimeUnit.SECONDS);
                Await.until("all " + fleet.size() + " queries in /api/fleet", WAIT,
                        () -> total(exporter, "") == fleet.size());
                Query failing = fleet.get(1);
                failing.failed = true;
                send(producer, failing, event(failing, "terminated", "terminated", 0));

                WebDriver browser = chromium(dir.resolve("chromium-profile"));
                try {
                    browser.get("http://127.0.0.1:" + port + "/");
                    Await.until("the first page of queries", WAIT, () -> text(browser, "page-info").equals("1–50 of 61"));

                    // The hostile name is on the page as text, in the table and nowhere as markup.
                    search(browser, "onerror");
                    Await.until("the search to find the query named " + XSS_NAME, WAIT,
                            () -> text(browser, "page-info").equals("1–1 of 1 (61 in all)"));
                    assertThat(cells(browser, "queries", 1)).containsExactly(XSS_NAME);
                    clickFirstQuery(browser);
                    Await.until("its detail", WAIT, () -> text(browser, "detail-name").equals(XSS_NAME));
                    assertThat(browser.findElements(By.tagName("img"))).as("img elements").isEmpty();
                    assertThat(browser.findElements(By.tagName("script"))).as("only the page's own scripts").hasSize(2);
                    assertNoAlertDialog(browser);

                    // Charts: every chart of the selected query holds points, and more as the samples come.
                    for (String chart : List.of("chart-rates", "chart-batch", "chart-behind", "chart-time-behind",
                            "chart-watermark", "chart-state")) {
                        Await.until(chart + " to hold at least 3 points", WAIT, () -> points(browser, chart) >= 3);
                    }

                    // A firing alert, its text from Spark shown as text too.
                    Await.until("QueryFailed firing on the page", WAIT,
                            () -> cells(browser, "firing", 1).contains("QueryFailed"));
                    assertThat(text(browser, "firing-count")).isEqualTo("1");
                    assertThat(cells(browser, "firing", 5)).singleElement().asString().contains("<script>alert(2)</script>");
                    assertThat(cells(browser, "alert-history", 2)).contains("QueryFailed");
                    Await.until("the webhook's notification counted", WAIT, () -> cells(browser, "notifications", 2).equals(List.of("1")));
                    assertThat(text(browser, "restarts-state")).isEqualTo("restarts: not configured");
                    assertNoAlertDialog(browser);

                    // The configured button: the exporter POSTs the action to its URL, the page says it was done.
                    By button = By.cssSelector("#actions button.action");
                    Await.until("the action button", WAIT, () -> browser.findElements(button).size() == 1);
                    assertThat(browser.findElement(button).getText()).isEqualTo(ACTION);
                    browser.findElement(button).click();
                    // A press changes state: the page asks for the token (once per tab), as a user types it.
                    Await.until("the page to ask for the API token", WAIT, () -> {
                        try {
                            browser.switchTo().alert();
                            return true;
                        } catch (NoAlertPresentException e) {
                            return false;
                        }
                    });
                    browser.switchTo().alert().sendKeys(TOKEN);
                    browser.switchTo().alert().accept();
                    Await.until("the page to say the action was done", WAIT,
                            () -> text(browser, "action-result").equals(ACTION + ": done (202)"));
                    LocalHttpServer.Request pressed = actionHook.awaitRequests(1).get(0);
                    assertThat(pressed.method()).isEqualTo("POST");
                    assertThat(pressed.path()).isEqualTo("/hooks/replay");
                    assertThat(io.streamops.exporter.support.Json.MAPPER.readTree(pressed.body()).path("action").asText()).isEqualTo(ACTION);

                    // Status filter, job filter, paging.
                    search(browser, "");
                    Await.until("the whole fleet after clearing the search", WAIT, () -> text(browser, "page-info").equals("1–50 of 61"));
                    // One order at every poll: the failed query first, then the rest by job and name.
                    List<String> expectedOrder = new ArrayList<>(List.of(failing.name));
                    fleet.stream().filter(q -> q != failing)
                            .sorted(java.util.Comparator.comparing((Query q) -> q.job).thenComparing(q -> q.name))
                            .limit(49).forEach(q -> expectedOrder.add(q.name));
                    Await.until("the failed query first, the rest by job and name", WAIT,
                            () -> cells(browser, "queries", 1).equals(expectedOrder));
                    int polls = Integer.parseInt(browser.findElement(By.tagName("body")).getDomAttribute("data-polls"));
                    Await.until("two more polls", WAIT, () -> Integer.parseInt(
                            browser.findElement(By.tagName("body")).getDomAttribute("data-polls")) >= polls + 2);
                    assertThat(cells(browser, "queries", 1)).as("the same order polls later").isEqualTo(expectedOrder);
                    new Select(browser.findElement(By.id("status-filter"))).selectByVisibleText("failed");
                    Await.until("only the failed query", WAIT, () -> text(browser, "page-info").equals("1–1 of 1 (61 in all)"));
                    assertThat(cells(browser, "queries", 1)).containsExactly(failing.name);
                    new Select(browser.findElement(By.id("status-filter"))).selectByVisibleText("all statuses");
                    new Select(browser.findElement(By.id("job-filter"))).selectByVisibleText("loyalty");
                    Await.until("the loyalty job's queries", WAIT, () -> text(browser, "page-info").equals("1–20 of 20 (61 in all)"));
                    assertThat(cells(browser, "queries", 0)).hasSize(20).containsOnly("loyalty");
                    new Select(browser.findElement(By.id("job-filter"))).selectByVisibleText("all jobs");
                    Await.until("the whole fleet again", WAIT, () -> text(browser, "page-info").equals("1–50 of 61"));
                    browser.findElement(By.id("next")).click();
                    Await.until("the second page", WAIT, () -> text(browser, "page-info").equals("51–61 of 61"));
                    assertThat(cells(browser, "queries", 1)).hasSize(11);
                    assertThat(browser.findElement(By.id("next")).isEnabled()).isFalse();
                    browser.findElement(By.id("prev")).click();
                    Await.until("the first page again", WAIT, () -> text(browser, "page-info").equals("1–50 of 61"));

                    // The screenshot the README shows: a lagging query's charts, the alert firing.
                    Query lagging = fleet.get(0);
                    search(browser, lagging.name);
                    Await.until("the lagging query alone", WAIT, () -> text(browser, "page-info").equals("1–1 of 1 (61 in all)"));
                    clickFirstQuery(browser);
                    Await.until("its charts", WAIT, () -> text(browser, "detail-name").equals(lagging.name) && points(browser, "chart-rates") >= 10);
                    search(browser, "");
                    Await.until("the first page again", WAIT, () -> text(browser, "page-info").equals("1–50 of 61"));
                    Files.createDirectories(SCREENSHOT.getParent());
                    Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                    assertNoAlertDialog(browser);
                } finally {
                    browser.quit();
                }
            } finally {
                feeder.shutdownNow();
            }
        }
    }

    /** One synthetic query: where it sits in the fleet and how it behaves. */
    private static final class Query {
        final String job;
        final String id;
        final String name;
        final String runId;
        final int index;
        volatile boolean failed;

        Query(String job, int index, String name) {
            this.job = job;
            this.index = index;
            this.id = String.format("00000000-0000-4000-8000-%012d", index);
            this.runId = String.format("00000000-0000-4000-9000-%012d", index);
            this.name = name;
        }
    }

    private static List<Query> fleet() {
        List<Query> out = new ArrayList<>();
        int index = 0;
        for (String job : JOBS) {
            for (int i = 0; i < PER_JOB; i++) {
                out.add(new Query(job, index, String.format("%s-query-%02d", job, i)));
                index++;
            }
        }
        out.add(new Query("grocery-alerts", index, XSS_NAME));
        return out;
    }

    private static Map<String, ObjectNode> recordedTemplates() {
        Map<String, ObjectNode> out = new java.util.HashMap<>();
        try (InputStream in = DashboardBrowserIT.class.getResourceAsStream("/recorded/listener-e2e-run.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    ObjectNode e = (ObjectNode) Json.MAPPER.readTree(line);
                    String type = e.path("type").asText();
                    boolean wanted = !type.equals("terminated") || e.path("termination").path("outcome").asText().equals("failed");
                    if (wanted) {
                        out.putIfAbsent(type, e);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the recorded run", e);
        }
        assertThat(out).containsKeys("started", "progress", "heartbeat", "terminated");
        return out;
    }

    /** The recorded event of {@code type}, re-addressed to {@code q} and stamped now. */
    private ObjectNode event(Query q, String type, String eventId, long sequence) {
        ObjectNode e = templates.get(type).deepCopy();
        String now = Instant.now().toString();
        e.put("eventId", q.runId + ":" + eventId + (sequence > 0 ? ":" + sequence : "")).put("timestamp", now).put("emittedAt", now);
        ((ObjectNode) e.path("app")).put("job", q.job).put("name", q.job);
        ((ObjectNode) e.path("query")).put("id", q.id).put("runId", q.runId).put("name", q.name);
        if (type.equals("terminated")) {
            ((ObjectNode) e.path("termination")).put("exceptionMessage", XSS_EXCEPTION).put("exception", XSS_EXCEPTION)
                    .putNull("errorClassOnException");
        }
        return e;
    }

    /** A batch of every running query: rates that swing, a few queries falling behind, state that grows. */
    private void progressAll(KafkaProducer<String, String> producer, List<Query> fleet, int tick) {
        for (Query q : fleet) {
            if (q.failed) {
                continue;
            }
            ObjectNode e = event(q, "progress", "progress", tick + 1);
            ObjectNode progress = (ObjectNode) e.path("progress");
            progress.put("id", q.id).put("runId", q.runId).put("name", q.name).put("batchId", tick).put("timestamp", e.path("timestamp").asText());
            boolean lagging = q.index % 7 == 0;
            double input = 100 + 60 * Math.sin(tick / 4.0 + q.index);
            double processed = lagging ? input * 0.7 : input * 1.02;
            ObjectNode signals = (ObjectNode) e.path("signals");
            signals.put("batchId", tick).put("numInputRows", Math.round(input)).put("inputRowsPerSecond", input)
                    .put("processedRowsPerSecond", processed).put("batchDurationMs", 700 + 40 * (tick % 10) + q.index)
                    .put("watermarkDelayMs", 10_000 + 500 * (tick % 6))
                    .put("recordsBehindLatest", lagging ? 500 + 120L * tick : 20 + q.index)
                    .put("stateRows", 1000 + 25L * tick + q.index).put("stateMemoryBytes", 1_000_000 + 5000L * tick);
            signals.putArray("sources");
            send(producer, q, e);
        }
    }

    private static KafkaProducer<String, String> producer(KafkaTestBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, Query q, JsonNode event) {
        producer.send(new ProducerRecord<>("streamops-events", q.id, event.toString()));
    }

    private static int total(ExporterProcess exporter, String query) {
        try {
            return Json.MAPPER.readTree(exporter.get("/api/fleet?limit=1" + query).body()).path("total").asInt(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Headless Debian chromium through its chromedriver: both paths given, so Selenium downloads nothing. */
    private static WebDriver chromium(Path profile) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
                "--window-size=1440,1500", "--lang=en-GB");
        return new ChromeDriver(service, options);
    }

    private static void search(WebDriver browser, String text) {
        WebElement box = browser.findElement(By.id("search"));
        box.clear();
        // clear() fires no input event: type and delete a character so the page reads the empty box too.
        box.sendKeys(text.isEmpty() ? "x" : text);
        if (text.isEmpty()) {
            box.sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
        }
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static int points(WebDriver browser, String chart) {
        String n = browser.findElement(By.id(chart)).getDomAttribute("data-points");
        return n == null ? 0 : Integer.parseInt(n);
    }

    /**
     * The text of column {@code column} of every row of table {@code table}, read in one script: the page
     * rebuilds its rows at every poll, so elements looked up one by one can go stale in between.
     */
    @SuppressWarnings("unchecked")
    private static List<String> cells(WebDriver browser, String table, int column) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                        + ".filter(r => r.cells.length > arguments[1]).map(r => r.cells[arguments[1]].textContent);",
                table, column);
    }

    /** Clicks the first row of the queries table, again if the page replaced it meanwhile. */
    private static void clickFirstQuery(WebDriver browser) {
        Await.until("a click on the first query", WAIT, () -> {
            browser.findElement(By.cssSelector("#queries tbody tr")).click();
            return true;
        });
    }

    private static void assertNoAlertDialog(WebDriver browser) {
        assertThatThrownBy(() -> browser.switchTo().alert()).as("an alert dialog").isInstanceOf(NoAlertPresentException.class);
    }
}
