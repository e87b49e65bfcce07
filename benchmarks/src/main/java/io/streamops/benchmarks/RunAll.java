package io.streamops.benchmarks;

import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs every variant, each in its own driver JVM (the streamops agent is JVM-wide), against one real
 * Kafka broker (its own JVM, 127.0.0.1 only) started here and stopped at the end, and prints the
 * results as Markdown. {@code benchmarks/run.sh} builds the classpath and calls this.
 *
 * <p>Argument: the output directory (per-variant logs and result files, and results.md). Durations can
 * be changed with system properties {@code bench.*} (see {@link #prop}); the defaults are what
 * BENCHMARKS.md reports.
 */
public final class RunAll {
    /** What spark-submit 3.5 adds on Java 17 (the parent POM's spark.java17.opens). */
    static final List<String> SPARK_JAVA17 = Arrays.asList(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private final Path out;
    private final Path logs;
    private final String classpath = System.getProperty("java.class.path");
    /**
     * Checkpoints and Spark's scratch space, in tmpfs where there is one (the benchmark is about
     * listeners, not disk I/O); deleted at the end, as the drivers halt without cleaning up.
     */
    private final Path checkpoints;

    private RunAll(Path out) throws IOException {
        this.out = out;
        this.logs = out.resolve("logs");
        Files.createDirectories(logs);
        Path shm = Paths.get("/dev/shm");
        this.checkpoints = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "streamops-bench-")
                : Files.createTempDirectory("streamops-bench-");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: RunAll <output directory>");
        }
        RunAll runAll = new RunAll(Paths.get(args[0]));
        try {
            runAll.run();
        } finally {
            deleteRecursively(runAll.checkpoints);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is not worth failing the run over
        }
    }

    private void run() throws Exception {
        double cbWarmup = prop("bench.callback.warmupS", 8);
        double cbMeasure = prop("bench.callback.measureS", 30);
        double naiveDownMeasure = prop("bench.callback.naiveDownMeasureS", 125);
        int cbRows = (int) prop("bench.callback.rowsPerBatch", 10);
        int cbTrigger = (int) prop("bench.callback.triggerMs", 10);
        int rounds = (int) prop("bench.throughput.rounds", 5);
        double tpWarmup = prop("bench.throughput.warmupS", 8);
        double tpMeasure = prop("bench.throughput.measureS", 15);
        long tpRows = (long) prop("bench.throughput.rowsPerBatch", 400_000);
        int tpTrigger = (int) prop("bench.throughput.triggerMs", 100);

        StringBuilder md = new StringBuilder();
        String load0 = loadAvg();
        String started = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19);
        List<Properties> callbacks = new ArrayList<>();
        List<Properties[]> throughput = new ArrayList<>();

        try (KafkaTestBroker broker = KafkaTestBroker.started()) {
            String up = broker.bootstrapServers();
            int deadPort = Ports.free();
            if (accepts(deadPort)) {
                throw new IllegalStateException("port " + deadPort + " was meant to be dead but accepts connections");
            }
            String down = "127.0.0.1:" + deadPort;
            say("Kafka broker up on " + up + "; dead port " + down);

            // empty, handoff, handoff-nowake: controls without a broker; <listener>-up|down: against the broker or the dead port
            String variants = System.getProperty("bench.callback.variants",
                    "empty,handoff,handoff-nowake,streamops-up,naive-up,streamops-down,naive-down");
            for (String name : variants.split(",")) {
                name = name.trim();
                if (name.isEmpty()) {
                    continue;
                }
                String[] v;
                if (name.endsWith("-up")) {
                    v = new String[]{name.substring(0, name.length() - 3), "up", up};
                } else if (name.endsWith("-down")) {
                    v = new String[]{name.substring(0, name.length() - 5), "down", down};
                } else {
                    v = new String[]{name, "-", "none"};
                }
                boolean naiveDown = v[0].equals("naive") && v[1].equals("down");
                double measure = naiveDown ? naiveDownMeasure : cbMeasure;
                String label = v[1].equals("-") ? v[0] : v[0] + "-broker-" + v[1];
                Properties r = child(CallbackBench.class, label, cbWarmup + measure + 120, List.of(
                        "listener=" + v[0], "bootstrap=" + v[2], "label=" + label,
                        "warmupS=" + cbWarmup, "measureS=" + measure,
                        "rowsPerBatch=" + cbRows, "triggerMs=" + cbTrigger));
                r.setProperty("broker", v[1]);
                callbacks.add(r);
                say(label + ": " + r.getProperty("callbacks", "?") + " callbacks, p50 " + r.getProperty("p50Us", "?")
                        + " us, p99 " + r.getProperty("p99Us", "?") + " us, max " + r.getProperty("maxUs", "?")
                        + " us, Spark dropped " + r.getProperty("droppedInWindow", "?"));
            }

            for (int round = 1; round <= rounds; round++) {
                Properties[] pair = new Properties[2];
                String[] listeners = {"none", "streamops"};
                for (int i = 0; i < 2; i++) {
                    String label = "throughput-" + listeners[i] + "-round" + round;
                    pair[i] = child(ThroughputBench.class, label, tpWarmup + tpMeasure + 120, List.of(
                            "listener=" + listeners[i], "bootstrap=" + up, "label=" + label,
                            "warmupS=" + tpWarmup, "measureS=" + tpMeasure,
                            "rowsPerBatch=" + tpRows, "triggerMs=" + tpTrigger));
                    say(label + ": " + pair[i].getProperty("rowsPerSecond", "?") + " rows/s over "
                            + pair[i].getProperty("batches", "?") + " batches (mean batch "
                            + pair[i].getProperty("meanBatchMs", "?") + " ms)");
                }
                throughput.add(pair);
            }
        }

        md.append("Run ").append(started).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(System.getProperty("java.runtime.version"))
                .append("; load average before ").append(load0).append(", after ").append(loadAvg()).append(".\n\n");
        md.append(callbackTables(callbacks, cbWarmup, cbMeasure, naiveDownMeasure, cbRows, cbTrigger));
        if (!throughput.isEmpty()) {
            md.append(throughputTable(throughput, tpWarmup, tpMeasure, tpRows, tpTrigger));
        }
        Files.write(out.resolve("results.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println();
        System.out.println(md);
    }

    private String callbackTables(List<Properties> rs, double warmup, double measure, double naiveDownMeasure,
                                  int rows, int trigger) {
        StringBuilder s = new StringBuilder();
        s.append("### Callback cost on Spark's listener-bus thread (onQueryProgress)\n\n");
        s.append(String.format(Locale.ROOT, "rate-micro-batch, %d rows per batch, ProcessingTime %d ms, noop sink; "
                + "%.0f s warm-up, then %.0f s measured (naive with broker down: %.0f s).%n%n", rows, trigger, warmup, measure, naiveDownMeasure));
        s.append("| listener | broker | max.block.ms | callbacks timed | batches Spark ran in window | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | mean µs | calls > 50 µs | CPU p50 / p99 / max µs | Spark dropped events (window / total) | streams queue backlog at end | calls that threw | call in flight at end |\n");
        s.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Properties r : rs) {
            s.append("| ").append(r.getProperty("listener", r.getProperty("label"))).append(" | ").append(r.getProperty("broker"))
                    .append(" | ").append(g(r, "maxBlockMs")).append(" | ").append(g(r, "callbacks"))
                    .append(" | ").append(g(r, "batchesInWindow")).append(" | ").append(g(r, "p50Us"))
                    .append(" | ").append(g(r, "p90Us"))
                    .append(" | ").append(g(r, "p99Us")).append(" | ").append(g(r, "p999Us"))
                    .append(" | ").append(g(r, "maxUs")).append(" | ").append(g(r, "meanUs"))
                    .append(" | ").append(g(r, "over50UsPct")).append(" %")
                    .append(" | ").append(g(r, "cpuP50Us")).append(" / ").append(g(r, "cpuP99Us")).append(" / ").append(g(r, "cpuMaxUs"))
                    .append(" | ").append(g(r, "droppedInWindow")).append(" / ").append(g(r, "droppedTotal"))
                    .append(" | ").append(g(r, "queueSizeAtEnd"))
                    .append(" | ").append(g(r, "threw"))
                    .append(" | ").append("0".equals(r.getProperty("inFlightMsAtEnd")) ? "none" : g(r, "inFlightMsAtEnd") + " ms")
                    .append(" |\n");
        }
        s.append("\nRatios (lower is better). Baseline: the naive listener. Controls: the empty listener (the floor of "
                + "this measurement on this machine) and handoff (only the hand-off to a waiting thread that streamops does):\n\n");
        s.append("| ratio | broker | p50 | p99 | p99.9 | max |\n|---|---|--:|--:|--:|--:|\n");
        for (String broker : new String[]{"up", "down"}) {
            Properties so = find(rs, "streamops", broker);
            Properties nv = find(rs, "naive", broker);
            s.append("| streamops / naive | ").append(broker);
            for (String k : new String[]{"p50Us", "p99Us", "p999Us", "maxUs"}) {
                s.append(" | ").append(ratio(so, nv, k));
            }
            s.append(" |\n");
        }
        for (String control : new String[]{"empty", "handoff"}) {
            Properties c = find(rs, control, "-");
            for (String broker : new String[]{"up", "down"}) {
                Properties so = find(rs, "streamops", broker);
                s.append("| streamops / ").append(control).append(" | ").append(broker);
                for (String k : new String[]{"p50Us", "p99Us", "p999Us", "maxUs"}) {
                    s.append(" | ").append(ratio(so, c, k));
                }
                s.append(" |\n");
            }
        }
        Properties down = find(rs, "streamops", "down");
        double p99 = num(down, "p99Us");
        s.append(String.format(Locale.ROOT, "%nGoal: streamops p99 with the broker down < 50 µs: %s (%s µs).%n%n",
                Double.isNaN(p99) ? "NOT MEASURED" : p99 < 50 ? "met" : "missed", g(down, "p99Us")));
        return s.toString();
    }

    private String throughputTable(List<Properties[]> rounds, double warmup, double measure, long rows, int trigger) {
        StringBuilder s = new StringBuilder();
        s.append("### Job throughput, no listener vs streamops attached by configuration (broker up)\n\n");
        s.append(String.format(Locale.ROOT, "rate-micro-batch, %d rows per batch in 2 partitions, sha2-256 of every row "
                + "and a filter on it, ProcessingTime %d ms, noop sink; each variant in a fresh JVM, alternating "
                + "(none, streamops, none, ...); %.0f s warm-up, then %.0f s measured.%n%n", rows, trigger, warmup, measure));
        s.append("| round | no listener rows/s | streamops rows/s | streamops / no listener | "
                + "driver CPU ms per 1M rows (none / streamops) | CPU ratio streamops / none | cores the driver got (none / streamops) | batches (none / streamops) |\n");
        s.append("|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        List<Double> none = new ArrayList<>();
        List<Double> so = new ArrayList<>();
        List<Double> cpuNone = new ArrayList<>();
        List<Double> cpuSo = new ArrayList<>();
        int i = 1;
        for (Properties[] pair : rounds) {
            double a = num(pair[0], "rowsPerSecond");
            double b = num(pair[1], "rowsPerSecond");
            double ca = num(pair[0], "cpuMsPerMillionRows");
            double cb = num(pair[1], "cpuMsPerMillionRows");
            none.add(a);
            so.add(b);
            cpuNone.add(ca);
            cpuSo.add(cb);
            s.append("| ").append(i++)
                    .append(" | ").append(g(pair[0], "rowsPerSecond"))
                    .append(" | ").append(g(pair[1], "rowsPerSecond"))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", b / a))
                    .append(" | ").append(g(pair[0], "cpuMsPerMillionRows")).append(" / ").append(g(pair[1], "cpuMsPerMillionRows"))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", cb / ca))
                    .append(" | ").append(g(pair[0], "coresUsed")).append(" / ").append(g(pair[1], "coresUsed"))
                    .append(" | ").append(g(pair[0], "batches")).append(" / ").append(g(pair[1], "batches"))
                    .append(" |\n");
        }
        double ratio = median(so) / median(none);
        double cpuRatio = median(cpuSo) / median(cpuNone);
        s.append(String.format(Locale.ROOT, "| **median** | **%.0f** | **%.0f** | **%.3f** | **%.0f / %.0f** | **%.3f** | | |%n",
                median(none), median(so), ratio, median(cpuNone), median(cpuSo), cpuRatio));
        s.append(String.format(Locale.ROOT, "%nGoal: throughput ratio (median streamops rows/s / median no-listener rows/s) >= 0.98: %s (%.3f). "
                        + "Driver CPU per row, streamops / none (medians): %.3f.%n",
                Double.isNaN(ratio) ? "NOT MEASURED" : ratio >= 0.98 ? "met" : "missed", ratio, cpuRatio));
        return s.toString();
    }

    /** Runs one variant in a fresh driver JVM and returns what it wrote (or an error entry). */
    private Properties child(Class<?> main, String label, double timeoutS, List<String> args) throws Exception {
        Path result = out.resolve(label + ".properties");
        Path log = logs.resolve(label + ".log");
        Files.deleteIfExists(result);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SPARK_JAVA17);
        cmd.add("-Xmx2g");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main.getName());
        cmd.addAll(args);
        cmd.add("out=" + result);
        cmd.add("checkpointRoot=" + checkpoints);
        say("running " + label + " (log: " + log + ")");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor((long) timeoutS, TimeUnit.SECONDS)) {
            say(label + ": did not finish within " + (long) timeoutS + " s; killing it");
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        say(label + ": JVM exited " + (p.isAlive() ? "?" : String.valueOf(p.exitValue())) + " after "
                + (System.nanoTime() - t0) / 1_000_000_000 + " s");
        Properties r = new Properties();
        if (Files.exists(result)) {
            try (InputStream in = Files.newInputStream(result)) {
                r.load(in);
            }
        } else {
            r.setProperty("label", label);
            r.setProperty("error", "no result, see " + log);
            say(label + ": NO RESULT, see " + log);
        }
        return r;
    }

    private static Properties find(List<Properties> rs, String listener, String broker) {
        for (Properties r : rs) {
            if (listener.equals(r.getProperty("listener")) && broker.equals(r.getProperty("broker"))) {
                return r;
            }
        }
        return new Properties();
    }

    private static String ratio(Properties a, Properties b, String key) {
        double x = num(a, key);
        double y = num(b, key);
        if (Double.isNaN(x) || Double.isNaN(y) || y == 0) {
            return "-";
        }
        double r = x / y;
        return r >= 0.01 ? String.format(Locale.ROOT, "%.2f", r) : String.format(Locale.ROOT, "%.1e", r);
    }

    private static String g(Properties r, String key) {
        return r.getProperty(key, "-");
    }

    private static double num(Properties r, String key) {
        try {
            return Double.parseDouble(r.getProperty(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.removeIf(d -> d.isNaN());
        if (s.isEmpty()) {
            return Double.NaN;
        }
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double prop(String name, double dflt) {
        String v = System.getProperty(name);
        return v == null ? dflt : Double.parseDouble(v);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String loadAvg() {
        try {
            String[] f = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.UTF_8).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void say(String msg) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + msg);
    }
}
