package io.streamops.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Spark driver in its own JVM, on the classpath of a Spark version other than the test's own (a file
 * of jar paths from Maven Central, as {@code listener-matrix/} writes them) plus the packaged listener
 * jar and the driver's own classes; the listener is attached by {@code -Dspark.*} configuration only.
 * Spark's Java 17 flags ({@code --add-opens}) are those of the test's JVM, Spark stays on
 * 127.0.0.1. Its stderr (Spark's log) goes to {@code driver.log} in its work directory; its stdout lines
 * are the driver's replies, read with {@link #await}; {@link #send} writes a line to its stdin.
 */
public final class SparkDriverJvm implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path log;

    /** Starts {@code mainClass} (found in its own classes directory or jar) with {@code work} as its one argument. */
    public SparkDriverJvm(String sparkClasspath, Path listenerJar, Class<?> mainClass, Path work, Map<String, String> sparkConf)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // Spark's Java 17 flags, as the test's own JVM got them (surefire's argLine).
        for (String option : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-opens") || option.startsWith("--add-exports")
                    || option.equals("-XX:+IgnoreUnrecognizedVMOptions") || option.startsWith("-Djdk.reflect.useDirectMethodHandle")) {
                command.add(option);
            }
        }
        command.add("-Xmx768m");
        sparkConf.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(sparkClasspath + java.io.File.pathSeparator + listenerJar + java.io.File.pathSeparator + codeSource(mainClass));
        command.add(mainClass.getName());
        command.add(work.toString());
        log = work.resolve("driver.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        process = builder.start();
        stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    replies.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "spark-driver-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The classpath of one Spark version as {@code listener-matrix/spark-<version>_<scala>} writes it (its
     * {@code target/spark.classpath}), from the repository's root {@code repoRoot}.
     */
    public static String sparkClasspath(Path repoRoot, String versionAndScala) throws IOException {
        Path file = repoRoot.resolve(Paths.get("listener-matrix", "spark-" + versionAndScala, "target", "spark.classpath"));
        if (!Files.exists(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: listener-matrix writes it (mvn -pl listener-matrix/spark-"
                    + versionAndScala + " -am generate-resources)");
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
    }

    /** The jar or classes directory a class was loaded from. */
    public static Path codeSource(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /**
     * Waits for a line from the driver that starts with {@code prefix}, skipping (and consuming) the lines
     * before it; fails with the log's tail if none comes within {@code timeout} or the driver exits.
     */
    public String await(String prefix, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null || System.nanoTime() > deadline) {
                throw new AssertionError("driver did not say " + prefix + " within " + timeout
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; log tail:\n" + logTail());
            }
        }
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("driver JVM did not exit within " + timeout + "; log tail:\n" + logTail());
        }
        return process.exitValue();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String log() throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            // Its ports, files and memory are only released once it is gone: the next test must not race it.
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("driver JVM " + process.pid() + " still running 10 s after it was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
