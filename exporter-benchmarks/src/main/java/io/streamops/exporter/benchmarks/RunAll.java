package io.streamops.exporter.benchmarks;

import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The exporter benchmark orchestrator: one real broker (own JVM, 127.0.0.1), the three measurements, the
 * Markdown tables. Usage: {@code RunAll <outDir> <repoRoot>}; sizes come from system properties
 * (see {@link #main}). Every throughput round runs in a fresh JVM; bare and exporter rounds alternate.
 */
public final class RunAll {
    private static final int QUERIES = Integer.getInteger("xb.queries", 1_000);
    /**
     * 600 batches: rounds of 10 s and more, long against the exporter's 1 s pass (its time ends at the pass
     * after the last event) and its 10 s progress saves, so both are in the figure at their steady share.
     */
    private static final int BATCHES = Integer.getInteger("xb.batches", 600);
    private static final int PARTITIONS = Integer.getInteger("xb.partitions", 6);
    private static final int ROUNDS = Integer.getInteger("xb.rounds", 4);
    private static final int ROUND_MAX_SECONDS = Integer.getInteger("xb.round.max.seconds", 420);
    private static final int HEAP_QUERIES = Integer.getInteger("xb.heap.queries", 10_000);
    private static final int HEAP_PROGRESS = Integer.getInteger("xb.heap.progress", 30);
    private static final int HEAP_REPETITIONS = Integer.getInteger("xb.heap.repetitions", 2);
    private static final int LATENCY_WARMUP = Integer.getInteger("xb.latency.warmup", 5);
    private static final int LATENCY_FAILURES = Integer.getInteger("xb.latency.failures", 50);
    private static final int LATENCY_SPACING_MS = Integer.getInteger("xb.latency.spacing.ms", 200);
    private static final List<String> ONLY = List.of(System.getProperty("xb.only", "throughput,heap,latency").split(","));
    private static final String ROUND_HEAP = System.getProperty("xb.round.xmx", "-Xmx512m");

    private final Path out;
    private final Path root;
    private final Path rules;
    private final Path jar;
    private final StringBuilder md = new StringBuilder();

    private RunAll(Path out, Path root) {
        this.out = out;
        this.root = root;
        this.rules = root.resolve("alert-rules/streamops-rules.yaml");
        this.jar = root.resolve("exporter/target/streamops-exporter.jar");
    }

    public static void main(String[] args) throws Exception {
        new RunAll(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath()).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        // Interrupted (Ctrl-C, kill): take down the round JVMs and the exporter we started, not just the broker.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "xb-children-reaper"));
        long started = System.nanoTime();
        md.append("Run at ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append(", load average at start ").append(loadAverage()).append(".\n\n");
        try (KafkaTestBroker broker = KafkaTestBroker.started()) {
            log("broker on " + broker.bootstrapServers());
            if (ONLY.contains("throughput")) {
                throughput(broker);
            }
            if (ONLY.contains("heap")) {
                heap();
            }
            if (ONLY.contains("latency")) {
                latency(broker);
            }
        }
        md.append("Load average at end ").append(loadAverage()).append("; total ")
                .append(Duration.ofNanos(System.nanoTime() - started).toSeconds()).append(" s.\n");
        Files.writeString(out.resolve("results.md"), md.toString());
        System.out.println();
        System.out.println(md);
    }

    // ---------------------------------------------------------------- 1. throughput

    private void throughput(KafkaTestBroker broker) throws Exception {
        String events = "xb-events";
        String alerts = "xb-alerts";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(events, PARTITIONS, (short) 1), new NewTopic(alerts, PARTITIONS, (short) 1))).all().get();
        }
        Fleet fleet = Fleet.fromRecording(50);
        long total = (long) QUERIES * BATCHES;
        // Event times start 15 min ahead of the wall clock, so that while the pre-filled topic is read
        // minutes later every query still looks live (no "driver lost" after 45 s without events), as the
        // events of a live fleet would. The rules only ever see "0 s since the last progress".
        Instant first = Instant.now().plus(Duration.ofMinutes(15));
        log("filling " + events + ": " + total + " progress events, " + QUERIES + " queries x " + BATCHES + " batches, "
                + PARTITIONS + " partitions (" + fleet.progressTemplates() + " recorded templates in " + fleet.shapes() + " shapes)");
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long fillStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = fillProducer(broker)) {
            for (int b = 0; b < BATCHES; b++) {
                Instant at = first.plus(Duration.ofSeconds(10L * b));
                for (int q = 0; q < QUERIES; q++) {
                    byte[] value = fleet.progress(q, b, at.plusMillis(q % 10_000));
                    bytes.addAndGet(value.length);
                    producer.send(new ProducerRecord<>(events, Fleet.queryId(q), value), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        log(String.format(Locale.ROOT, "filled %d events, %.1f MB (mean %d bytes/event) in %.1f s", total, bytes.get() / 1e6,
                bytes.get() / total, fillSeconds));

        List<Map<String, String>> bare = new ArrayList<>();
        List<Map<String, String>> exporter = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            // ABBA: bare first in odd rounds, exporter first in even ones, so a drift in background load
            // does not always favour the same variant.
            List<String> variants = round % 2 == 1 ? List.of("bare", "exporter") : List.of("exporter", "bare");
            order.add(String.join(" then ", variants));
            for (String variant : variants) {
                Map<String, String> r = throughputRound(broker, variant, round, events, alerts, total);
                (variant.equals("bare") ? bare : exporter).add(r);
            }
        }

        md.append("## 1. Throughput: exporter topology vs bare consumer\n\n")
                .append(String.format(Locale.ROOT, "%,d progress events (%d queries x %d batches, mean %d bytes, %.0f MB) on %d partitions, "
                                + "made from the %d recorded progress events; each round a fresh JVM (%s) reading the topic from the start "
                                + "(fresh group / fresh application id and state dir). Events/s from the first record consumed to the "
                                + "last record parsed (bare) or folded and evaluated (exporter).\n\n",
                        total, QUERIES, BATCHES, bytes.get() / total, bytes.get() / 1e6, PARTITIONS, fleet.progressTemplates(), ROUND_HEAP))
                .append("| round | order | bare events/s | exporter events/s | exporter / bare |\n|---|---|---:|---:|---:|\n");
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            double b = Double.parseDouble(bare.get(i).get("eventsPerSecond"));
            double e = Double.parseDouble(exporter.get(i).get("eventsPerSecond"));
            ratios.add(e / b);
            md.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,.0f | %.2f |\n", i + 1, order.get(i), b, e, e / b));
        }
        double medianBare = median(bare.stream().map(m -> Double.parseDouble(m.get("eventsPerSecond"))).toList());
        double medianExporter = median(exporter.stream().map(m -> Double.parseDouble(m.get("eventsPerSecond"))).toList());
        md.append(String.format(Locale.ROOT, "| **median** | | **%,.0f** | **%,.0f** | **%.2f** (median of the round ratios: %.2f) |\n\n",
                medianBare, medianExporter, medianExporter / medianBare, median(ratios)));
        md.append("Per round (bare: seconds from the first record to the last parsed; exporter: from the first record to "
                        + "the end of the first once-a-second pass after the last one was folded; rule evaluations (the pass "
                        + "evaluates every query, starts and terminations are evaluated as they come), records saved to the "
                        + "store and its changelog, the once-a-second pass over every query (mean and longest), alert "
                        + "transitions emitted, bad events):\n\n")
                .append("| round | bare s | exporter s | rule evaluations | records saved | pass mean / max ms | transitions | bad (bare / exporter) |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < ROUNDS; i++) {
            Map<String, String> b = bare.get(i);
            Map<String, String> e = exporter.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s / %s | %s | %s / %s |\n", i + 1, b.get("seconds"),
                    e.get("seconds"), e.get("ruleEvaluations"), e.get("saves"), e.get("passMeanMs"), e.get("passMaxMs"),
                    e.get("transitions"), b.get("bad"), e.get("bad")));
        }
        double ratio = medianExporter / medianBare;
        md.append(String.format(Locale.ROOT, "\nGoal exporter/bare >= 0.5: **%s** (%.2f).\n\n", ratio >= 0.5 ? "met" : "NOT met", ratio));
    }

    private Map<String, String> throughputRound(KafkaTestBroker broker, String variant, int round, String events, String alerts,
                                                long total) throws Exception {
        String tag = round + "-" + Long.toHexString(System.nanoTime());
        List<String> args = new ArrayList<>(List.of(variant, broker.bootstrapServers(), events, Long.toString(total),
                Integer.toString(ROUND_MAX_SECONDS), tag));
        if (variant.equals("exporter")) {
            args.addAll(List.of(rules.toString(), alerts, out.resolve("state-" + tag).toString()));
        }
        log("round " + round + ": " + variant + " ...");
        List<String> jvm = new ArrayList<>(List.of(ROUND_HEAP));
        String extra = System.getProperty("xb.round.jvm.args", "").replace("{name}", "round-" + round + "-" + variant);
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\|"))); // '|'-separated, e.g. -XX:StartFlightRecording=settings=profile,filename=/tmp/{name}.jfr
        }
        Map<String, String> r = child("round-" + round + "-" + variant, jvm, ThroughputRound.class, args,
                ROUND_MAX_SECONDS + 120).get(0);
        log("round " + round + ": " + variant + " " + r);
        if (!r.get("events").equals(Long.toString(total)) || !r.get("bad").equals("0")) {
            throw new IllegalStateException(variant + " round " + round + " did not handle every event cleanly: " + r);
        }
        return r;
    }

    private static KafkaProducer<String, byte[]> fillProducer(KafkaTestBroker broker) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "all");
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(512 * 1024));
        p.put("buffer.memory", Long.toString(64L * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    // ---------------------------------------------------------------- 2. heap per query

    private void heap() throws Exception {
        log("heap: " + HEAP_QUERIES + " queries, started + " + HEAP_PROGRESS + " progress + heartbeat each ...");
        List<Map<String, String>> rows = child("heap", List.of("-Xmx1g"), HeapBench.class, List.of(Integer.toString(HEAP_QUERIES),
                Integer.toString(HEAP_PROGRESS), Integer.toString(HEAP_REPETITIONS), rules.toString()), 600);
        Map<String, String> info = rows.stream().filter(r -> r.containsKey("heapinfo")).findFirst().orElse(Map.of());
        List<Map<String, String>> sets = rows.stream().filter(r -> r.containsKey("set")).toList();
        rows.forEach(r -> log("heap " + r));
        md.append("## 2. Heap per tracked query\n\n")
                .append(String.format(Locale.ROOT, "%,d queries, each folded from a started event, %d progress events 10 s apart "
                        + "(all inside the default 5 min window) and a heartbeat, parsed by EventParser and folded and evaluated "
                        + "by QueryEvaluation with the shipped rules (%s rules) after every event, held in a HashMap by query id. "
                        + "Live heap after forced GCs (System.gc() x4, MemoryMXBean heap used), before minus after, in a fresh JVM "
                        + "(%s, %s, heap max %s MiB, compressed oops). *failed*: the same records after a failed terminated event "
                        + "each, so QueryFailed is firing and its announcement is kept in the alert state. *empty*: `new QueryRecord()` "
                        + "per query id, the map and record skeleton only. Stored: `Json.serde(QueryRecord.class)` bytes "
                        + "per record, what the RocksDB store and its changelog hold per query (value only; the key is the "
                        + "36-byte query id).\n\n",
                        HEAP_QUERIES, HEAP_PROGRESS, info.getOrDefault("rules", "?"), info.getOrDefault("jvm", "?"),
                        info.getOrDefault("gc", "?"), info.getOrDefault("maxHeapMiB", "?")))
                .append("| set | repetition | heap bytes / query | stored bytes / query: mean | median | max | window samples / query | alert entries / query (firing) |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, String> r : sets) {
            boolean empty = r.get("set").equals("empty");
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %s |\n", r.get("set"), r.get("rep"),
                    Long.parseLong(r.get("bytesPerQuery")),
                    empty ? "-" : r.get("storedMeanBytes"), empty ? "-" : r.get("storedMedianBytes"), empty ? "-" : r.get("storedMaxBytes"),
                    empty ? "-" : r.get("windowSamplesPerQuery"),
                    empty ? "-" : r.get("alertEntriesPerQuery") + " (" + r.get("firingPerQuery") + ")"));
        }
        Function<String, Double> medianOf = set -> median(sets.stream().filter(r -> r.get("set").equals(set))
                .map(r -> Double.parseDouble(r.get("bytesPerQuery"))).toList());
        Function<String, Double> storedOf = set -> median(sets.stream().filter(r -> r.get("set").equals(set))
                .map(r -> Double.parseDouble(r.get("storedMeanBytes"))).toList());
        md.append(String.format(Locale.ROOT, "\nMedian heap per query: **%,.0f bytes** healthy, %,.0f failed (firing), %,.0f for an empty "
                        + "record; so %,.0f MB of heap for %,d healthy queries. Stored JSON per query: %,.0f bytes healthy, %,.0f failed.\n\n",
                medianOf.apply("healthy"), medianOf.apply("failed"), medianOf.apply("empty"),
                medianOf.apply("healthy") * HEAP_QUERIES / 1e6, HEAP_QUERIES, storedOf.apply("healthy"), storedOf.apply("failed")));
        for (Map<String, String> r : sets) {
            if (r.get("rep").equals("1") && r.containsKey("alerts")) {
                List<String> held = new ArrayList<>();
                for (String entry : r.get("alerts").split(",")) {
                    String[] f = entry.split(":"); // rule:phase:queries
                    held.add(f.length == 3 ? String.format(Locale.ROOT, "%s %s on %,d queries", f[0], f[1], Integer.parseInt(f[2])) : entry);
                }
                md.append("Alert state held in the *").append(r.get("set")).append("* set: ").append(String.join("; ", held)).append(".\n");
            }
        }
        md.append('\n');
        if (!"0".equals(info.get("ruleErrors"))) {
            md.append("Rule evaluation errors during the fold: ").append(info.get("ruleErrors")).append(".\n\n");
        }
    }

    // ---------------------------------------------------------------- 3. alert latency

    private void latency(KafkaTestBroker broker) throws Exception {
        log("latency: packaged exporter " + jar + ", " + LATENCY_WARMUP + " warm-up + " + LATENCY_FAILURES + " failures, "
                + LATENCY_SPACING_MS + " ms apart ...");
        Path dir = Files.createDirectories(out.resolve("latency"));
        LatencyBench.Result r = LatencyBench.run(broker, jar, rules, dir, LATENCY_WARMUP, LATENCY_FAILURES, LATENCY_SPACING_MS);
        log("latency total ms " + r.totalMillis());
        log("latency to transition ms " + r.toTransitionMillis());
        log("latency warm-up ms " + r.warmupMillis());
        log("email " + r.emailEvidence() + "; pagerduty " + r.pagerDutyEvidence() + "; contract violations " + r.violations());
        md.append("## 3. Alert latency: failed query to PagerDuty\n\n")
                .append(String.format(Locale.ROOT, "The packaged `exporter/target/streamops-exporter.jar` in its own process "
                        + "(-Xmx512m) with the shipped rules; receivers: PagerDuty = the PagerDutyContractServer in the harness JVM, "
                        + "email = 127.0.0.1 on a port where nothing listens. %d distinct queries each get a started event, then "
                        + "100 ms later a failed terminated event; failures ~%d ms apart, after %d warm-up failures (not counted). "
                        + "From `producer.send(failed).get()` returning (acks=all) to the contract server receiving that query's "
                        + "trigger (`receivedNanos`), both System.nanoTime() in the harness JVM.\n\n",
                        LATENCY_FAILURES, LATENCY_SPACING_MS, LATENCY_WARMUP))
                .append("| from the failure acknowledged by Kafka to | n | p50 ms | p90 ms | p99 ms | max ms | min ms |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n")
                .append(latencyRow("PagerDuty request received", r.totalMillis()))
                .append(latencyRow("its QueryFailed transition readable on the alerts topic (read_committed)", r.toTransitionMillis()));
        md.append(String.format(Locale.ROOT, "\nWarm-up failures (first pages after start, not counted): %s ms. Email receiver meanwhile "
                        + "(exporter's own metrics): %s. PagerDuty: %s. Contract violations: %d.\n\n",
                r.warmupMillis().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).collect(Collectors.joining(", ")),
                r.emailEvidence().isEmpty() ? "n/a" : r.emailEvidence(), r.pagerDutyEvidence().isEmpty() ? "n/a" : r.pagerDutyEvidence(),
                r.violations()));
        double p99 = percentile(r.totalMillis(), 99);
        md.append(String.format(Locale.ROOT, "Goal p99 < 2 s: **%s** (p99 %.0f ms).\n\n", p99 < 2000 ? "met" : "NOT met", p99));
    }

    private static String latencyRow(String what, List<Double> ms) {
        if (ms.isEmpty()) {
            return "| " + what + " | 0 | | | | | |\n";
        }
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |\n", what, ms.size(), percentile(ms, 50),
                percentile(ms, 90), percentile(ms, 99), Collections.max(ms), Collections.min(ms));
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code main} in a fresh JVM on this classpath; returns its RESULT lines as key=value maps. */
    private List<Map<String, String>> child(String name, List<String> jvmArgs, Class<?> main, List<String> args, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        Path log = out.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not finish in " + timeoutSeconds + " s; see " + log);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        List<Map<String, String>> results = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> m = new LinkedHashMap<>();
                for (String part : line.substring(7).split(" ")) {
                    int eq = part.indexOf('=');
                    m.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
                }
                results.add(m);
            }
        }
        if (p.exitValue() != 0 || results.isEmpty()) {
            throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "); see " + log);
        }
        return results;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Nearest rank. */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void log(String message) {
        System.out.println("== " + Instant.now().toString().substring(11, 19) + " " + message);
        System.out.flush();
    }
}
