package io.streamops.exporter.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.LocalHttpServer;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Failure to page while the exporter fleet changes: three instances of the packaged jar with the shipped
 * rules and the Kafka clients' default session timeout (45 s), as a user deploys them. A producer fails a
 * fresh query every {@code xb.rebalance.spacing.ms} (a started event, 100 ms later a failed one; the clock
 * starts when Kafka acknowledges the failure) for the whole run. Each round has a steady phase (nothing
 * changes: the baseline), a graceful rolling restart of every instance in turn (SIGTERM, start again with
 * the same config and data_dir, wait until ready), a second steady phase, and a rolling SIGKILL of every
 * instance in turn (killed, started again at once, wait until ready). Each failure is labelled with what
 * the fleet was doing when it was produced: steady, a rolling restart (graceful or SIGKILL), or, inside
 * one, a rebalance in progress (from an instance's SIGTERM or SIGKILL until it is ready again plus
 * {@code xb.rebalance.settle.s}). Latency = its PagerDuty trigger's
 * arrival at the contract server minus the failure's acknowledgement, both {@code System.nanoTime()} here.
 * Duplicate triggers (more than one per failed query) are counted too.
 *
 * <p>Run: {@code bash exporter-benchmarks/run.sh rebalance}.
 */
public final class RebalanceLatencyBench {
    private static final int ROUNDS = Integer.getInteger("xb.rebalance.rounds", 2);
    private static final int STEADY_SECONDS = Integer.getInteger("xb.rebalance.steady.s", 40);
    private static final int SETTLE_SECONDS = Integer.getInteger("xb.rebalance.settle.s", 5);
    private static final int SPACING_MS = Integer.getInteger("xb.rebalance.spacing.ms", 500);
    private static final int INSTANCES = 3;

    /** In order of how busy the fleet is: a failure that straddles two phases counts for the later one. */
    /**
     * When a failure was produced. A rolling restart is one rebalance after another with no gap between
     * them (each instance's stop until it is ready again plus the settle time), so it has no phase of its
     * own: a separate "rolling" row reported the same failures twice.
     */
    private enum Phase { WARMUP, STEADY, REBALANCING, KILLED }

    private record Failure(int query, long ackNanos, Phase phase) {
    }

    private final Path out;
    private final Path jar;
    private final Path rules;
    private volatile Phase phase = Phase.WARMUP;
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());

    private RebalanceLatencyBench(Path out, Path root) {
        this.out = out;
        this.jar = root.resolve("exporter/target/streamops-exporter.jar");
        this.rules = root.resolve("alert-rules/streamops-rules.yaml");
    }

    public static void main(String[] args) throws Exception {
        new RebalanceLatencyBench(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath()).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "xb-children-reaper"));
        String routingKey = "xb-routing-key-0123456789abcdef";
        Fleet fleet = Fleet.fromRecording(30);
        StringBuilder md = new StringBuilder();
        md.append("Run at ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; ").append(ROUNDS).append(" rounds of ").append(STEADY_SECONDS).append(" s steady + a graceful rolling restart of ")
                .append(INSTANCES).append(" instances + ").append(STEADY_SECONDS).append(" s steady + a rolling SIGKILL and restart; a failure every ").append(SPACING_MS).append(" ms.\n\n");
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(routingKey)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 6, (short) 1),
                        new NewTopic("streamops-alerts", 6, (short) 1))).all().get();
            }
            int deadSmtpPort = Ports.free(); // nothing listens: email fails and is retried, which must not delay pages
            List<Path> configs = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                int port = Ports.free();
                ports.add(port);
                configs.add(ExporterConfigFile.of(broker.bootstrapServers(), port, rules, out.resolve("data-" + i))
                        .pagerDuty(pagerDuty.baseUrl()).email(deadSmtpPort, "data-oncall@example.com")
                        .writeTo(out.resolve("exporter-" + i + ".yaml")));
            }
            List<ExporterProcess> running = new ArrayList<>();
            List<ExporterProcess> all = new ArrayList<>();
            int[] starts = new int[INSTANCES];
            for (int i = 0; i < INSTANCES; i++) {
                ExporterProcess p = start(i, starts, configs, ports, routingKey);
                running.add(p);
                all.add(p);
            }
            for (ExporterProcess p : running) {
                p.awaitReady(Duration.ofSeconds(180));
            }
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(broker, fleet, producing), "xb-failures");
            producer.start();
            try {
                Await.until("first pages", Duration.ofSeconds(180), () -> triggers(pagerDuty).size() >= 5);
                for (int round = 1; round <= ROUNDS; round++) {
                    phase = Phase.STEADY;
                    long until = System.nanoTime() + Duration.ofSeconds(STEADY_SECONDS).toNanos();
                    Await.until("steady phase of round " + round, Duration.ofSeconds(STEADY_SECONDS + 10), () -> System.nanoTime() >= until);
                    rollingRestart(false, running, all, starts, configs, ports, routingKey);
                    phase = Phase.STEADY;
                    long until2 = System.nanoTime() + Duration.ofSeconds(STEADY_SECONDS).toNanos();
                    Await.until("second steady phase of round " + round, Duration.ofSeconds(STEADY_SECONDS + 10), () -> System.nanoTime() >= until2);
                    rollingRestart(true, running, all, starts, configs, ports, routingKey);
                }
                phase = Phase.STEADY;
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                Await.until("a last steady stretch", Duration.ofSeconds(20), () -> System.nanoTime() >= until);
            } finally {
                producing.set(false);
                producer.join(30_000);
            }
            int expected = failures.size();
            try {
                Await.until(expected + " pages", Duration.ofSeconds(180), () -> triggers(pagerDuty).size() >= expected);
            } catch (RuntimeException e) {
                md.append("**Not every failure was paged within 180 s: ").append(triggers(pagerDuty).size()).append(" of ")
                        .append(expected).append(".**\n\n");
            }
            Map<String, List<Long>> triggers = triggers(pagerDuty);
            Map<Phase, List<Double>> latency = new HashMap<>();
            int duplicates = 0;
            int missing = 0;
            for (Failure f : failures) {
                List<Long> pages = triggers.get(fleet.queryName(f.query()));
                if (pages == null) {
                    missing++;
                    continue;
                }
                duplicates += pages.size() - 1;
                double ms = (Collections.min(pages) - f.ackNanos()) / 1e6;
                latency.computeIfAbsent(f.phase(), p -> new ArrayList<>()).add(ms);
            }
            md.append("| failures produced while | n | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n")
                    .append(row("steady (baseline: no instance changes)", latency.get(Phase.STEADY)))
                    .append(row("graceful: a rolling restart, a rebalance always in progress (each SIGTERM until ready + "
                            + SETTLE_SECONDS + " s)", latency.get(Phase.REBALANCING)))
                    .append(row("SIGKILL: a rolling kill and restart, a rebalance always in progress (each SIGKILL until ready + "
                            + SETTLE_SECONDS + " s)", latency.get(Phase.KILLED)))
                    .append('\n');
            double steady = RunAll.percentile(orEmpty(latency.get(Phase.STEADY)), 99);
            md.append("| p99 ratio against steady | graceful rolling restart | SIGKILL rolling restart |\n|---|---|---|\n|");
            StringBuilder goal = new StringBuilder();
            for (Phase busy : List.of(Phase.REBALANCING, Phase.KILLED)) {
                double p99 = RunAll.percentile(orEmpty(latency.get(busy)), 99);
                md.append(String.format(Locale.ROOT, " | %.1f", p99 / steady));
                goal.append(String.format(Locale.ROOT, "%s %s (%.0f ms); ", busy, p99 < 10_000 ? "met" : "NOT met", p99));
            }
            md.append(" |\n\n");
            md.append(String.format(Locale.ROOT, "Goal p99 < 10 s: %s"
                            + "Duplicate triggers: %d. Failures never paged: %d. Contract violations: %d.\n",
                    goal, duplicates, missing, pagerDuty.violations().size()));
            for (ExporterProcess p : all) {
                p.close();
            }
        }
        Files.writeString(out.resolve("rebalance-results.md"), md.toString());
        System.out.println();
        System.out.println(md);
    }

    /** Each instance in turn: stopped (SIGTERM, or SIGKILL if {@code kill}), started again at once, ready, settled. */
    private void rollingRestart(boolean kill, List<ExporterProcess> running, List<ExporterProcess> all, int[] starts,
                                List<Path> configs, List<Integer> ports, String routingKey) throws Exception {
        for (int i = 0; i < INSTANCES; i++) {
            phase = kill ? Phase.KILLED : Phase.REBALANCING;
            ExporterProcess old = running.get(i);
            if (kill) {
                old.kill();
            } else if (!old.stop(Duration.ofSeconds(60))) {
                throw new IllegalStateException("instance " + i + " did not stop within 60 s");
            }
            ExporterProcess fresh = start(i, starts, configs, ports, routingKey);
            running.set(i, fresh);
            all.add(fresh);
            fresh.awaitReady(Duration.ofSeconds(180));
            long settled = System.nanoTime() + Duration.ofSeconds(SETTLE_SECONDS).toNanos();
            Await.until("instance " + i + " to settle", Duration.ofSeconds(SETTLE_SECONDS + 10), () -> System.nanoTime() >= settled);
        }
    }

    private ExporterProcess start(int i, int[] starts, List<Path> configs, List<Integer> ports, String routingKey) throws Exception {
        return new ExporterProcess(jar, configs.get(i), ports.get(i), out.resolve("exporter-" + i + "-" + starts[i]++ + ".log"),
                Map.of(ExporterConfigFile.ROUTING_KEY_ENV, routingKey));
    }

    private void produce(KafkaTestBroker broker, Fleet fleet, AtomicBoolean producing) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            for (int q = 200_000; producing.get(); q++) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += Duration.ofMillis(SPACING_MS).toNanos();
                Phase at = phase;
                producer.send(new ProducerRecord<>("streamops-events", Fleet.queryId(q), fleet.started(q, Instant.now()))).get();
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                producer.send(new ProducerRecord<>("streamops-events", Fleet.queryId(q), fleet.failed(q, Instant.now()))).get();
                Phase now = phase;
                // A failure that straddles a phase change counts for the busier phase.
                failures.add(new Failure(q, System.nanoTime(), now.ordinal() > at.ordinal() ? now : at));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Double> orEmpty(List<Double> values) {
        return values == null ? List.of(Double.NaN) : values;
    }

    private static String row(String what, List<Double> ms) {
        if (ms == null || ms.isEmpty()) {
            return "| " + what + " | 0 | | | | |\n";
        }
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f |\n", what, ms.size(), RunAll.percentile(ms, 50),
                RunAll.percentile(ms, 90), RunAll.percentile(ms, 99), Collections.max(ms));
    }

    /** Arrival times of the QueryFailed triggers, per query name. */
    private static Map<String, List<Long>> triggers(PagerDutyContractServer pagerDuty) {
        Map<String, List<Long>> out = new ConcurrentHashMap<>();
        for (LocalHttpServer.Request r : pagerDuty.http().requests()) {
            try {
                JsonNode e = Json.MAPPER.readTree(r.body());
                JsonNode p = e.path("payload");
                if (e.path("event_action").asText().equals("trigger") && p.path("class").asText().equals("QueryFailed")) {
                    out.computeIfAbsent(p.path("component").asText(), k -> new ArrayList<>()).add(r.receivedNanos());
                }
            } catch (Exception ignored) {
                // not JSON: the contract server counts it as a violation
            }
        }
        return out;
    }
}
