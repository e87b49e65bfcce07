package io.streamops.exporter.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.config.ConfigLoader;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.restart.RestartPhase;
import io.streamops.exporter.restart.RestartRecord;
import io.streamops.exporter.support.Secret;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restart controller as the router drives it ({@link io.streamops.exporter.route.RouterLoop.OwnerActions}):
 * a real broker (journal, commands topic, events topic), real processes for the command restarter, the
 * HTTP endpoints on the real server. Two instances in one JVM stand in for two exporters; each test says
 * which one owns the job, as the router's {@code ownsJob} would.
 */
class RestartsTest {
    private static KafkaTestBroker broker;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "restarts-test-token";

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.started();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("streamops-events", 2, (short) 1), new NewTopic("streamops-alerts", 2, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private ExporterConfig config(String journalTopic, String command) throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: QueryFailed
                    expr: 'status == "failed"'
                    severity: critical
                    notify: [ops]
                    actions: [restart]
                """);
        Path file = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "%s"}
                data_dir: %s
                rules: {file: %s}
                receivers:
                  ops: {type: webhook, url: "http://127.0.0.1:9/hook"}
                restarts:
                  journal_topic: %s
                  policy: {initial_backoff: 0s, max_backoff: 0s, jitter: 0}
                  targets:
                    - name: orders
                      jobs: ["orders-*"]
                      restarter: {type: command, command: %s, log_dir: %s}
                """.formatted(broker.bootstrapServers(), dir.resolve("data"), rules, journalTopic, command, dir.resolve("logs")));
        return new ConfigLoader(name -> null).load(file);
    }

    private Restarts restarts(ExporterConfig config) throws Exception {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
        return Restarts.start(config, kafka, new RulesHolder(config.rulesFile(), config.receivers().keySet()),
                new SimpleMeterRegistry(), Clock.systemUTC()).orElseThrow();
    }

    private static AlertTransition failed(String job, String runId, Instant startsAt) {
        return new AlertTransition("QueryFailed/" + job, "QueryFailed", AlertPhase.FIRING, "critical",
                Map.of("alertname", "QueryFailed", "job", job, "query", "enrich", "query_id", "q-1"), Map.of(),
                Map.of("status", "failed", "run_id", runId), List.of("ops"), Duration.ofHours(4), true, startsAt, null, startsAt);
    }

    private long launches() throws Exception {
        if (!Files.isDirectory(dir.resolve("logs"))) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            return files.count();
        }
    }

    /** Passes of the router loop until {@code done}, as the router makes them (about every 100 ms). */
    private static void passUntil(String what, Restarts restarts, java.util.function.Predicate<String> owns,
                                  java.util.function.BooleanSupplier done) {
        Await.until(what, WAIT, () -> {
            restarts.pass(owns);
            return done.getAsBoolean();
        });
    }

    private static Optional<RestartRecord> record(Restarts restarts, String job) {
        return restarts.records().stream().filter(r -> r.job().equals(job)).findFirst();
    }

    @Test
    void aFiringTransitionRestartsOnceAndItsReplayAndAnExAttemptsExitChangeNothing() throws Exception {
        ExporterConfig config = config("journal-a", "[/bin/sh, -c, 'exit 1']");
        try (Restarts owner = restarts(config)) {
            AlertTransition firing = failed("orders-a", "run-1", Instant.now());
            owner.fresh(firing);
            // The instance loses the job the moment its launcher starts. The launch's log is created before the
            // launcher runs, so its exit (exit 1 at once) can only be taken by a pass that no longer owns the job.
            java.util.function.Predicate<String> ownsUntilLaunched = job -> launchesQuietly() == 0;
            passUntil("the attempt", owner, ownsUntilLaunched,
                    () -> launchesQuietly() == 1 && record(owner, "orders-a").map(r -> r.sequence() == 1).orElse(false));
            // Until the exit has been taken and dropped (the only news about the job while it is owned elsewhere):
            // waiting for the launch alone let the exit arrive after the job was owned again, and relaunch.
            Await.until("the launcher's exit dropped while the job is owned elsewhere", WAIT, () -> {
                owner.pass(job -> false);
                return owner.droppedNotOwned() == 1;
            });
            owner.fresh(firing); // the same transition again (a replay), the job owned again
            // A pass that owns nothing hands nothing, so the restart thread is idle: the first pass hands the replay,
            // the second the tick that would launch again had the replay scheduled a restart (no back-off).
            for (int pass = 0; pass < 2; pass++) {
                assertThat(owner.deciding()).isFalse();
                owner.pass(job -> true);
                Await.until("the restart thread to be done", WAIT, () -> !owner.deciding());
            }
            RestartRecord after = record(owner, "orders-a").orElseThrow();
            assertThat(after.phase()).isEqualTo(RestartPhase.RESTARTING);
            assertThat(after.sequence()).as("one attempt").isEqualTo(1);
            assertThat(launches()).isEqualTo(1);
        }
    }

    private long launchesQuietly() {
        try {
            return launches();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void anHttpRestartAtANonOwnerIsMadeByTheOwnerOnly() throws Exception {
        ExporterConfig config = config("journal-b", "[/bin/sleep, '300']");
        try (Restarts asked = restarts(config); Restarts owner = restarts(config);
             ExporterHttpServer http = new ExporterHttpServer("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), () -> "", () -> true)) {
            asked.serve(http);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/api/jobs/orders-b/restart"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            String command = "command:" + new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body()).path("command").asText();
            assertThat(command).isNotEqualTo("command:");

            passUntil("the owner's attempt", owner, job -> true,
                    () -> record(owner, "orders-b").map(r -> r.phase() == RestartPhase.RESTARTING).orElse(false));
            for (int i = 0; i < 20; i++) {
                asked.pass(job -> false);
            }
            assertThat(record(asked, "orders-b")).as("the instance asked does not own the job and decides nothing").isEmpty();
            Await.until("the one launch", WAIT, () -> launchesQuietly() == 1);
            // The command read again (a take-over reading the topic from before) is not a second restart.
            try (Restarts successor = restarts(config)) {
                successor.assigned();
                for (int i = 0; i < 30; i++) {
                    successor.pass(job -> true);
                }
                // Until the successor has read the command again and found it handled: only then could a
                // second launch have happened already.
                Await.until("the successor to read the command again", WAIT, () -> {
                    successor.pass(job -> true);
                    return record(successor, "orders-b").map(r -> r.handled().contains(command)).orElse(false);
                });
                assertThat(record(successor, "orders-b").orElseThrow().sequence()).isEqualTo(1);
            }
            assertThat(launches()).isEqualTo(1);

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/api/jobs/payments/restart"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            stopLaunched(owner);
        }
    }

    @Test
    void aRestartByHandOfAHealthyJobIsProvenByItsQueriesProgress() throws Exception {
        ExporterConfig config = config("journal-c", "[/bin/sleep, '300']");
        try (Restarts owner = restarts(config);
             ExporterHttpServer http = new ExporterHttpServer("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), () -> "", () -> true);
             org.apache.kafka.clients.producer.KafkaProducer<String, String> events = new org.apache.kafka.clients.producer.KafkaProducer<>(
                     Map.of("bootstrap.servers", broker.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                     new org.apache.kafka.common.serialization.StringSerializer())) {
            owner.serve(http);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/api/jobs/orders-c/restart"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            passUntil("the attempt", owner, job -> true,
                    () -> record(owner, "orders-c").map(r -> r.phase() == RestartPhase.RESTARTING).orElse(false));

            // No alert fired, so none resolves: the restarted run's progress events are what prove the attempt.
            passUntil("the attempt proven by the query's progress", owner, job -> true, () -> {
                events.send(new org.apache.kafka.clients.producer.ProducerRecord<>("streamops-events", "q-1", progressEvent("orders-c", "run-new")));
                return record(owner, "orders-c").map(r -> r.phase() == RestartPhase.HEALTHY).orElse(false);
            });
            assertThat(record(owner, "orders-c").orElseThrow().reason()).isEqualTo("attempt 1 made progress");
            stopLaunched(owner);
        }
    }

    /** A progress event as the listener sends it, with only the fields the exporter requires. */
    private static String progressEvent(String job, String runId) {
        String now = Instant.now().toString();
        return "{\"version\":1,\"type\":\"progress\",\"eventId\":\"" + java.util.UUID.randomUUID() + "\",\"timestamp\":\"" + now
                + "\",\"emittedAt\":\"" + now + "\",\"app\":{\"id\":\"app-1\",\"job\":\"" + job + "\",\"tags\":{}},"
                + "\"query\":{\"id\":\"q-1\",\"runId\":\"" + runId + "\",\"name\":\"enrich\"},\"signals\":{\"batchId\":0}}";
    }

    /** Ends the drivers the command restarter launched (pid@start handles): they would outlive the test. */
    private static void stopLaunched(Restarts restarts) {
        for (RestartRecord record : restarts.records()) {
            String handle = record.handle();
            if (handle.contains("@")) {
                ProcessHandle.of(Long.parseLong(handle.substring(0, handle.indexOf('@')))).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    @Test
    void aRestartByHandDuringAnAttemptIsAnsweredWithANoteThatItWaitsForTheAttempt() throws Exception {
        ExporterConfig config = config("journal-d", "[/bin/sleep, '300']");
        try (Restarts owner = restarts(config);
             ExporterHttpServer http = new ExporterHttpServer("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), () -> "", () -> true)) {
            owner.serve(http);
            HttpRequest restart = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/api/jobs/orders-d/restart"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> first = HttpClient.newHttpClient().send(restart, HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).doesNotContain("\"note\"");
            passUntil("the attempt", owner, job -> true,
                    () -> record(owner, "orders-d").map(r -> r.phase() == RestartPhase.RESTARTING).orElse(false));

            HttpResponse<String> during = HttpClient.newHttpClient().send(restart, HttpResponse.BodyHandlers.ofString());
            assertThat(during.statusCode()).as(during.body()).isEqualTo(200);
            assertThat(during.body()).contains("\"note\"").contains("made once that attempt ends");
        }
    }
}
