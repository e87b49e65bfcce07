package io.streamops.demo;

import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A harness, not a test (BENCHMARKS.md, "Demo: time to the dashboard"): the time from running
 * {@code scripts/demo --no-build --no-timeline} to its printing the dashboard URL, against a baseline run
 * side by side in alternating rounds: the packaged exporter alone, from its launch to {@code /readyz}
 * answering 200, with a broker already running (the part of the demo's start-up that no demo code can
 * shorten). Run from the repository root after a build:
 * <pre>
 *   java -cp demo/target/test-classes:demo/target/classes:$(cat demo/target/demo.classpath) io.streamops.demo.DemoStartupBench 5
 * </pre>
 */
public final class DemoStartupBench {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private DemoStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path repo = Path.of("").toAbsolutePath();
        List<Long> demo = new ArrayList<>();
        List<Long> exporter = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path dir = Files.createTempDirectory("demo-bench-");
            try {
                demo.add(demoToDashboard(repo, dir));
                exporter.add(exporterAlone(repo, dir));
            } finally {
                deleteTree(dir); // each round's run directory: logs, Kafka data, checkpoints
            }
            System.out.printf("round %d: demo to dashboard URL %d ms, exporter alone to ready %d ms%n", round,
                    demo.get(demo.size() - 1), exporter.get(exporter.size() - 1));
        }
        long d = median(demo);
        long e = median(exporter);
        System.out.printf("median of %d rounds: demo %d ms, exporter alone %d ms, ratio %.2f%n", rounds, d, e, (double) d / e);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static long demoToDashboard(Path repo, Path dir) throws Exception {
        Path out = dir.resolve("demo.out");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(repo.resolve("scripts/demo").toString(), "--no-build", "--no-timeline", "--dir",
                dir.resolve("run").toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Await.until("the demo to print the dashboard URL", LIMIT, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the demo exited; see " + out);
                }
                return read(out).contains("  dashboard:  http");
            });
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private static long exporterAlone(Path repo, Path dir) throws Exception {
        try (KafkaTestBroker broker = KafkaTestBroker.started()) {
            int port = Ports.free();
            Path config = ExporterConfigFile.of(broker.bootstrapServers(), port, repo.resolve("alert-rules/streamops-rules.yaml"),
                    dir.resolve("exporter-data")).pagerDuty(java.net.URI.create("http://127.0.0.1:9/")).email(Ports.free(), "bench@example.com")
                    .writeTo(dir.resolve("exporter.yaml")); // the shipped rules notify both; nothing is sent

            long start = System.nanoTime();
            try (ExporterProcess exporter = new ExporterProcess(repo.resolve("exporter/target/streamops-exporter.jar"), config, port,
                    dir.resolve("exporter.log"), Map.of(ExporterConfigFile.ROUTING_KEY_ENV, "bench"))) {
                exporter.awaitReady(LIMIT);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
