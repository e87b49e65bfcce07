package io.streamops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.testkit.Await;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's command, run as a newcomer runs it ({@code scripts/demo}, with {@code --no-build} because the
 * build already made the jars, and {@code --short} for the short timeline) as a child process, checked from
 * outside: the exporter's API, the demo's inbox, the Kafka topics and the process table.
 * <ul>
 *   <li>each incident's alert fired and resolved (the exporter's alert history); the inbox got the mails and
 *   the PagerDuty receiver the trigger and resolve of the critical ones;</li>
 *   <li>the failed and the killed job were restarted by the exporter's command restarter from their checkpoints:
 *   GET /api/restarts records two attempts, the query id of cough-syrup-alerts is the one its checkpoint holds
 *   before and after, its run id changed;</li>
 *   <li>{@code alerting} (read_committed) holds every purchase of more than 10 bottles of cough syrup that
 *   {@code ingestion} holds, each once, and nothing else;</li>
 *   <li>a dashboard button (exporter.yaml {@code dashboard.actions}) pressed in headless Chromium reaches the
 *   demo's control endpoint;</li>
 *   <li>after SIGINT no process of the demo is left and its ports are free.</li>
 * </ul>
 */
class DemoIT {
    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration TIMELINE = Duration.ofMinutes(9);
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The exporter's http.token for the run (the demo reads it from STREAMOPS_DEMO_TOKEN); the page asks for it. */
    private static final String TOKEN = "demo-it-" + Long.toHexString(System.nanoTime());
    private static final Path REPO = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @Test
    void theReadmeCommandPlaysEveryIncidentLosesNoAlertAndLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        Path output = tmp.resolve("demo.out");
        // setsid: the demo leads its own process group, as a command started from a terminal does, so Ctrl-C
        // (SIGINT to the group) reaches it and everything it started at once.
        ProcessBuilder command = new ProcessBuilder("setsid", REPO.resolve("scripts").resolve("demo").toString(), "--no-build", "--short",
                "--dir", runDir.toString()).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        command.environment().put("STREAMOPS_DEMO_TOKEN", TOKEN);
        Process demo = command.start();
        List<ProcessHandle> family = new ArrayList<>();
        try {
            URI dashboard = URI.create(printed(output, "dashboard", demo));
            URI inbox = URI.create(printed(output, "inbox", demo));
            String kafka = printed(output, "kafka", demo).split("\\s+")[0];
            assertThat(read(output)).as("the API token is never printed").doesNotContain(TOKEN);

            JsonNode firstRun = Await.value("cough-syrup-alerts in the exporter's fleet", START,
                    () -> query(dashboard, GroceryJobNames.ALERTS).orElse(null));
            String queryId = firstRun.path("queryId").asText();
            String checkpointId = checkpointQueryId(runDir, GroceryJobNames.ALERTS);
            assertThat(checkpointId).as("the query id the checkpoint holds").isEqualTo(queryId);

            Await.until("the timeline to end", TIMELINE, () -> {
                assertThat(demo.isAlive()).as("the demo is running; its output:\n%s", read(output)).isTrue();
                return read(output).contains("TIMELINE done");
            });
            String printedOutput = read(output);
            assertThat(printedOutput).as("every incident fired and resolved its alert")
                    .contains("TIMELINE surge: KafkaLagGrowing fired and resolved")
                    .contains("TIMELINE poison: QueryFailed fired and resolved")
                    .contains("TIMELINE stalled-sink: QueryStalled fired and resolved")
                    .contains("TIMELINE killed-driver: DriverLost fired and resolved");

            // The exporter's own record of it.
            JsonNode history = get(dashboard, "api/alert-history?limit=500");
            // (QueryFailed and DriverLost can fire and resolve within one of its 2 s samples, when the restarted
            // run reports at once: their trigger and resolve are checked at PagerDuty, below.)
            for (String[] expected : new String[][] {{"KafkaLagGrowing", "store-totals"}, {"QueryStalled", "store-totals"}}) {
                assertThat(phases(history, expected[0], expected[1])).as("%s on %s", expected[0], expected[1])
                        .contains("firing", "resolved");
            }

            // The receivers: a mail for each firing and each resolve; PagerDuty for the critical ones. The last
            // resolve is delivered a moment after the exporter resolved it (group_wait, then the send).
            Await.until("the inbox to hold the mails and pages of every incident", WAIT, () -> expectedInbox(inbox, queryId));

            // Restarted from the checkpoint: two attempts (the failure, the kill), the same query id, a new run.
            JsonNode restarts = get(dashboard, "api/restarts");
            assertThat(restarts.path("configured").asBoolean()).isTrue();
            JsonNode record = restarts.path("restarts").get(0);
            assertThat(record.path("subject").path("job").asText()).isEqualTo("grocery-store");
            // One per incident (the failure, the kill); more only if the exporter heard no heartbeat for 15 s at
            // another moment too, which a starved machine can make happen (then it pages and restarts, as it should).
            long restartsMade = record.path("sequence").asLong();
            assertThat(restartsMade).as("restarts made").isGreaterThanOrEqualTo(2);
            try (Stream<Path> logs = Files.list(runDir.resolve("restart-logs"))) {
                assertThat(logs.filter(f -> f.getFileName().toString().startsWith("restart-")).count())
                        .as("one log per launch by the command restarter").isEqualTo(restartsMade);
            }
            JsonNode now = Await.value("cough-syrup-alerts active again", WAIT, () -> query(dashboard, GroceryJobNames.ALERTS)
                    .filter(q -> q.path("status").asText().equals("active")).orElse(null));
            assertThat(now.path("queryId").asText()).as("query id after the restarts").isEqualTo(queryId);
            assertThat(now.path("runId").asText()).as("run id after the restarts").isNotEqualTo(firstRun.path("runId").asText());
            assertThat(checkpointQueryId(runDir, GroceryJobNames.ALERTS)).isEqualTo(queryId);
            assertThat(printedOutput).contains("RESTARTED " + GroceryJobNames.ALERTS + ": query id " + queryId + " (unchanged)");

            // Every purchase of more than 10 bottles of cough syrup, once.
            Map<String, Integer> expectedBefore = bigCoughSyrupPurchases(read(kafka, "ingestion", "read_uncommitted"));
            assertThat(expectedBefore).as("alerts expected so far").hasSizeGreaterThan(100);
            Await.until("alerting to hold every big purchase written so far", WAIT,
                    () -> counts(read(kafka, "alerting", "read_committed")).keySet().containsAll(expectedBefore.keySet()));
            List<ConsumerRecord<String, String>> alerting = read(kafka, "alerting", "read_committed");
            Map<String, Integer> alerted = counts(alerting);
            List<ConsumerRecord<String, String>> ingested = read(kafka, "ingestion", "read_uncommitted");
            Map<String, Integer> expectedAll = bigCoughSyrupPurchases(ingested);
            assertThat(coughSyrupQuantities(ingested)).as("purchases on both sides of the threshold (more than 10)")
                    .contains(10, 11);
            Map<String, String> purchaseById = new HashMap<>();
            for (ConsumerRecord<String, String> r : ingested) {
                purchaseById.put(JSON.readTree(r.value()).path("id").asText(), r.value());
            }
            for (ConsumerRecord<String, String> a : alerting) {
                assertThat(a.value()).as("the alert for purchase %s is that purchase", a.key()).isEqualTo(purchaseById.get(a.key()));
            }
            assertThat(alerted.entrySet()).as("alerts written more than once").filteredOn(e -> e.getValue() != 1).isEmpty();
            assertThat(expectedAll.keySet()).as("every alert is a big cough-syrup purchase").containsAll(alerted.keySet());
            assertThat(alerted.keySet()).as("the poison purchase's alert, written after the restart").anyMatch(id ->
                    expectedAll.containsKey(id) && expectedAll.get(id) == -1);

            // A dashboard button, pressed in a browser, reaches the demo's control endpoint.
            pressInBrowser(dashboard, "demo: stalled-sink", tmp.resolve("chromium-profile"));
            Await.until("the control endpoint to play the pressed incident", WAIT, () -> {
                JsonNode incidents = get(inbox, "api/inbox").path("incidents");
                return incidents.size() == 5 && incidents.get(4).path("incident").asText().equals("stalled-sink");
            });

            // Ctrl-C: everything goes, and nothing is left.
            // The processes to see gone: taken while a driver runs (a tolerated extra restart may be between drivers).
            Await.until("the demo's processes: demo, broker, exporter, driver", WAIT,
                    () -> demo.descendants().count() >= 3 && !runDrivers(runDir).isEmpty());
            family.add(demo.toHandle());
            family.addAll(demo.descendants().toList());
            family.addAll(runDrivers(runDir));
            assertThat(processGroup(demo)).as("the demo leads its own process group").isEqualTo(demo.pid());
            assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + processGroup(demo)).start().waitFor())
                    .as("Ctrl-C: SIGINT to the demo's process group").isZero();
            assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("the demo exits after SIGINT").isTrue();
            for (ProcessHandle p : family) {
                Await.until("process " + p.pid() + " to end", Duration.ofSeconds(30), () -> !p.isAlive());
            }
            assertThat(runDrivers(runDir)).as("drivers of this run").isEmpty();
            assertThat(accepts(dashboard.getPort())).as("the exporter's port is free").isFalse();
            assertThat(accepts(Integer.parseInt(kafka.substring(kafka.lastIndexOf(':') + 1)))).as("the broker's port is free").isFalse();
            assertThat(read(output)).contains("stopped; nothing left running");
        } finally {
            // Whatever is left, even if the demo's JVM died without its shutdown hook: its process group, the
            // drivers of this run (found by their marker) and the processes seen.
            if (demo.isAlive()) {
                demo.descendants().forEach(ProcessHandle::destroyForcibly);
                if (processGroup(demo) == demo.pid()) { // never the test's own group
                    new ProcessBuilder("kill", "-KILL", "--", "-" + demo.pid()).start().waitFor();
                }
                demo.destroyForcibly();
            }
            runDrivers(runDir).forEach(ProcessHandle::destroyForcibly);
            family.forEach(ProcessHandle::destroyForcibly);
            Files.createDirectories(Path.of("target"));
            Files.copy(output, Path.of("target", "demo-it.out"), StandardCopyOption.REPLACE_EXISTING);
            for (String log : List.of("exporter.log", "driver.log")) {
                if (Files.exists(runDir.resolve(log))) {
                    Files.copy(runDir.resolve(log), Path.of("target", "demo-it-" + log), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The Spark drivers of this run, those the exporter restarted included: their command line carries the run's marker. */
    private static List<ProcessHandle> runDrivers(Path runDir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(line -> line.contains("-Dstreamops.demo.run=" + runDir + " ")).orElse(false)).toList();
    }

    /** The process group of {@code p} (field 5 of /proc/<pid>/stat, after the command's closing parenthesis). */
    private static long processGroup(Process p) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    /** The query names of the demo's job (the test reads them as a user would, not from the job's classes). */
    private static final class GroceryJobNames {
        static final String ALERTS = "cough-syrup-alerts";
    }

    /** Whether the inbox holds a mail for each firing and resolve and the critical alerts' pages (else why not, for Await). */
    private static boolean expectedInbox(URI inbox, String queryId) {
        try {
            JsonNode received = get(inbox, "api/inbox");
            List<String> subjects = new ArrayList<>();
            received.path("mails").forEach(m -> subjects.add(m.path("subject").asText()));
            for (String alert : List.of("KafkaLagGrowing", "QueryFailed", "QueryStalled", "DriverLost")) {
                assertThat(subjects).as("mails about " + alert).anyMatch(s -> s.startsWith("[FIRING") && s.contains(alert))
                        .anyMatch(s -> s.startsWith("[RESOLVED") && s.contains(alert));
            }
            for (String key : List.of("QueryFailed/" + queryId, "DriverLost/" + queryId)) {
                assertThat(pagerDuty(received, key)).as("PagerDuty events of " + key).contains("trigger", "resolve");
            }
            return true;
        } catch (AssertionError notYet) {
            throw new IllegalStateException(notYet.getMessage(), notYet); // Await retries a RuntimeException and keeps the last
        }
    }

    /** The value the demo printed on its "  name:  value" line, once it has. */
    private static String printed(Path output, String name, Process demo) {
        Pattern line = Pattern.compile("(?m)^  " + name + ":\\s+(\\S+.*)$");
        return Await.value("the demo to print its " + name, START, () -> {
            String text = read(output);
            assertThat(demo.isAlive()).as("the demo is running; its output:\n%s", text).isTrue();
            Matcher m = line.matcher(text);
            return m.find() ? m.group(1).trim().split("\\s{2,}")[0] : null;
        });
    }

    private static Optional<JsonNode> query(URI dashboard, String name) {
        JsonNode page = get(dashboard, "api/fleet?search=" + name + "&limit=5");
        for (JsonNode q : page.path("items")) {
            if (q.path("queryName").asText().equals(name)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /** The query id Spark keeps in the checkpoint's metadata file: the id every restart from it reuses. */
    private static String checkpointQueryId(Path runDir, String query) throws IOException {
        return JSON.readTree(Files.readString(runDir.resolve("job").resolve("checkpoints").resolve(query).resolve("metadata")))
                .path("id").asText();
    }

    private static List<String> phases(JsonNode history, String alertname, String query) {
        List<String> out = new ArrayList<>();
        history.path("history").forEach(e -> {
            if (e.path("alertname").asText().equals(alertname) && e.path("query").asText().equals(query)) {
                out.add(e.path("phase").asText());
            }
        });
        return out;
    }

    private static List<String> pagerDuty(JsonNode inbox, String dedupKey) {
        List<String> out = new ArrayList<>();
        inbox.path("pagerduty").forEach(e -> {
            if (e.path("dedup_key").asText().equals(dedupKey)) {
                out.add(e.path("event_action").asText());
            }
        });
        return out;
    }

    /** Purchase id to quantity of every purchase of more than 10 bottles of cough syrup; -1 marks the poison one. */
    private static Map<String, Integer> bigCoughSyrupPurchases(List<ConsumerRecord<String, String>> purchases) {
        Map<String, Integer> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : purchases) {
            try {
                JsonNode p = JSON.readTree(r.value());
                if (p.path("product").asText().equals("cough syrup") && p.path("quantity").asInt() > 10) {
                    out.put(p.path("id").asText(), p.path("poison").asBoolean() ? -1 : p.path("quantity").asInt());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The quantities of every cough-syrup purchase. */
    private static java.util.Set<Integer> coughSyrupQuantities(List<ConsumerRecord<String, String>> purchases) throws IOException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (ConsumerRecord<String, String> r : purchases) {
            JsonNode p = JSON.readTree(r.value());
            if (p.path("product").asText().equals("cough syrup")) {
                out.add(p.path("quantity").asInt());
            }
        }
        return out;
    }

    private static Map<String, Integer> counts(List<ConsumerRecord<String, String>> records) {
        Map<String, Integer> out = new HashMap<>();
        records.forEach(r -> out.merge(r.key(), 1, Integer::sum));
        return out;
    }

    /** Every record of {@code topic} up to its end now, with the given isolation level. */
    private static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, String isolation) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", isolation, "enable.auto.commit", "false", "max.poll.records", "5000"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            return out;
        }
    }

    private static void pressInBrowser(URI dashboard, String label, Path profile) throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile, "--window-size=1440,1500");
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(dashboard.toString());
            By button = By.xpath("//div[@id='actions']/button[text()='" + label + "']");
            Await.until("the button '" + label + "'", WAIT, () -> !browser.findElements(button).isEmpty());
            Await.until("the charts to draw", WAIT, () -> !browser.findElements(By.cssSelector("#queries tbody tr")).isEmpty());
            Files.write(Path.of("target", "demo-dashboard.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.findElement(button).click();
            // A press changes state: the page asks for the exporter's token, as a user types it.
            Await.until("the page to ask for the API token", WAIT, () -> {
                try {
                    browser.switchTo().alert();
                    return true;
                } catch (org.openqa.selenium.NoAlertPresentException e) {
                    return false;
                }
            });
            browser.switchTo().alert().sendKeys(TOKEN);
            browser.switchTo().alert().accept();
            Await.until("the page to say the action was done", WAIT,
                    () -> browser.findElement(By.id("action-result")).getText().equals(label + ": done (202)"));
        } finally {
            browser.quit();
        }
    }

    private static JsonNode get(URI base, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
