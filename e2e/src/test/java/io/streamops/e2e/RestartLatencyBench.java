package io.streamops.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import io.streamops.e2e.restart.SubmittedJob;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Benchmark harness, not part of the suite (its name does not end in Test): time from a failure to the
 * restarted query's first progress event, with the default restart policy (except {@code reset_after: 10s},
 * so that every sample is a first failure, as in production, rather than attempt 2, 3, ... of one
 * series), the default {@code driver_lost_after} (45 s), the job of {@link RestartFromCheckpointTest}
 * fed a record every 100 ms. Samples: a SIGKILL of a driver the exporter did not launch (found by
 * DriverLost), SIGKILLs of drivers it launched (their exit is seen at once), and exceptions (a poison
 * record). Run: {@code mvn -B -o -pl exporter,e2e package -Dtest=RestartLatencyBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.samples=5}; it prints a table (also target/restart-latency.md). {@code -Dbench.exporter.jar=...} runs
 * another build of the exporter (a baseline) under the same harness.
 */
class RestartLatencyBench {
    private static final Duration WAIT = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event of the job's query on the events topic. */
    private record Event(String type, String runId, Instant at) {
    }

    @Test
    void restartLatency(@TempDir Path dir) throws Exception {
        int samples = Integer.getInteger("bench.samples", 5);
        GreenMail smtp = PagingStack.startedInbox();
        AtomicBoolean feeding = new AtomicBoolean(true);
        List<Event> events = new CopyOnWriteArrayList<>();
        List<Instant> launches = new CopyOnWriteArrayList<>();
        SubmittedJob job = null;
        Process first = null;
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer("bench-key")) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1), new NewTopic("orders", 1, (short) 1))).all().get();
            }
            job = SubmittedJob.prepare(dir, broker.bootstrapServers(), dir.resolve("job"));
            int httpPort = Ports.free();
            Path config = dir.resolve("exporter.yaml");
            Files.writeString(config, ExporterConfigFile.of(broker.bootstrapServers(), httpPort,
                            Path.of("..", "alert-rules", "streamops-rules.yaml").toAbsolutePath(), dir.resolve("data"))
                    .groupWait("500ms").pagerDuty(pagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "oncall@example.com").yaml()
                    + job.restartsSection(dir.resolve("restart-logs"), "reset_after: 10s\n"));
            Thread feeder = feed(broker.bootstrapServers(), feeding);
            Thread reader = read(broker.bootstrapServers(), events, feeding);
            Thread watcher = watchLaunches(dir.resolve("restart-logs"), launches, feeding);
            try (ExporterProcess exporter = new ExporterProcess(Path.of(System.getProperty("bench.exporter.jar",
                    "../exporter/target/streamops-exporter.jar")).toAbsolutePath(),
                    config, httpPort, dir.resolve("exporter.log"),
                    Map.of(ExporterConfigFile.ROUTING_KEY_ENV, "bench-key", "SPARK_LOCAL_IP", "127.0.0.1"))) {
                exporter.awaitReady(WAIT);
                first = job.launch(dir.resolve("driver-by-bench.log"));
                Await.until("the first run's progress", WAIT, () -> events.stream().anyMatch(e -> e.type().equals("progress")));
                List<String> rows = new ArrayList<>();
                List<Double> killed = new ArrayList<>();
                List<Double> thrown = new ArrayList<>();

                String run = lastRun(events);
                Instant t0 = Instant.now();
                first.destroyForcibly();
                double notLaunched = restarted(events, run, t0);
                double notLaunchedOurs = launched(launches, t0);
                rows.add("| SIGKILL, driver not launched by the exporter | 1 | " + fmt(notLaunched) + " | " + fmt(notLaunchedOurs) + " |");
                List<Double> killedOurs = new ArrayList<>();
                List<Double> thrownOurs = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    awaitIdle(exporter);
                    run = lastRun(events);
                    SubmittedJob current = job;
                    List<ProcessHandle> drivers = Await.value("the running driver", WAIT, () -> {
                        List<ProcessHandle> d = current.drivers();
                        return d.size() == 1 ? d : null;
                    });
                    t0 = Instant.now();
                    drivers.get(0).destroyForcibly();
                    killed.add(restarted(events, run, t0));
                    killedOurs.add(launched(launches, t0));

                    awaitIdle(exporter);
                    run = lastRun(events);
                    Files.createFile(job.work().resolve("poison-armed"));
                    try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                        producer.send(new ProducerRecord<>("orders", "poison")).get();
                    }
                    String failedRun = run;
                    Event terminated = Await.value("the poisoned run's terminated event", WAIT, () -> events.stream()
                            .filter(e -> e.type().equals("terminated") && e.runId().equals(failedRun)).findFirst().orElse(null));
                    thrown.add(restarted(events, run, terminated.at()));
                    thrownOurs.add(launched(launches, terminated.at()));
                }
                rows.add("| SIGKILL, driver launched by the exporter | " + killed.size() + " | " + fmt(median(killed)) + " (" + all(killed)
                        + ") | " + fmt(median(killedOurs)) + " (" + all(killedOurs) + ") |");
                rows.add("| exception (the query failed) | " + thrown.size() + " | " + fmt(median(thrown)) + " (" + all(thrown)
                        + ") | " + fmt(median(thrownOurs)) + " (" + all(thrownOurs) + ") |");
                String table = "| failure | samples | to the restarted query's first progress, s: median (all) "
                        + "| of which to the restart's launch (the exporter's part), s |\n|---|---|---|---|\n"
                        + String.join("\n", rows) + "\n";
                System.out.println(table);
                Files.writeString(Path.of("target", "restart-latency.md"), table);
                Files.createFile(job.work().resolve("stop"));
            } finally {
                feeding.set(false);
                feeder.join(5_000);
                reader.join(5_000);
                watcher.join(5_000);
                Files.copy(dir.resolve("exporter.log"), Path.of("target", "bench-restart-exporter.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            SubmittedJob.stop(first, job);
            smtp.stop();
        }
    }

    /** Seconds from {@code t0} to the first progress event of a run other than {@code run}. */
    private static double restarted(List<Event> events, String run, Instant t0) {
        Event progress = Await.value("the restarted run's first progress", WAIT, () -> events.stream()
                .filter(e -> e.type().equals("progress") && !e.runId().equals(run) && e.at().isAfter(t0)).findFirst().orElse(null));
        return Duration.between(t0, progress.at()).toMillis() / 1000.0;
    }

    /** Seconds from {@code t0} to the first launch of the command restarter after it (its attempt log appearing). */
    private static double launched(List<Instant> launches, Instant t0) {
        Instant launch = Await.value("the restart's launch", WAIT, () -> launches.stream().filter(l -> l.isAfter(t0)).findFirst().orElse(null));
        return Duration.between(t0, launch).toMillis() / 1000.0;
    }

    /** Notes when each attempt's log file appears: the command restarter creates it as it starts the launcher. */
    private static Thread watchLaunches(Path logDir, List<Instant> launches, AtomicBoolean watching) {
        Thread t = new Thread(() -> {
            java.util.Set<Path> seen = new java.util.HashSet<>();
            while (watching.get()) {
                for (Path log : SubmittedJob.attemptLogs(logDir)) {
                    if (seen.add(log)) {
                        launches.add(Instant.now());
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the watch's pace
            }
        }, "bench-launches");
        t.start();
        return t;
    }

    /** Waits until the job's restart record is back to IDLE (reset_after passed): the next failure is a first one. */
    private static void awaitIdle(ExporterProcess exporter) {
        Await.until("the restart record to reset", WAIT, () -> {
            try {
                JsonNode records = JSON.readTree(exporter.get("/api/restarts").body()).path("restarts");
                return records.size() == 1 && records.get(0).path("phase").asText().equals("IDLE");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String lastRun(List<Event> events) {
        return events.stream().filter(e -> e.type().equals("progress")).reduce((a, b) -> b).map(Event::runId).orElseThrow();
    }

    private static Thread feed(String bootstrap, AtomicBoolean feeding) {
        Thread t = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                for (long i = 0; feeding.get(); i++) {
                    producer.send(new ProducerRecord<>("orders", "r-" + i));
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the feed's pace
                }
            }
        }, "bench-feed");
        t.start();
        return t;
    }

    private static Thread read(String bootstrap, List<Event> events, AtomicBoolean reading) {
        Thread t = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor("streamops-events").stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (reading.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            JsonNode e = JSON.readTree(r.value());
                            String type = e.path("type").asText();
                            Instant at = Instant.parse(type.equals("progress") ? e.path("emittedAt").asText() : e.path("timestamp").asText());
                            events.add(new Event(type, e.path("query").path("runId").asText(), at));
                        } catch (Exception ignored) {
                            // not an event of ours
                        }
                    }
                }
            }
        }, "bench-events");
        t.start();
        return t;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String all(List<Double> values) {
        return String.join(", ", values.stream().map(RestartLatencyBench::fmt).toList());
    }

    private static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }
}
