package io.streamops.listener.it;

import io.streamops.listener.it.matrix.MatrixDriver;

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
 * A {@link MatrixDriver} in its own JVM, on one Spark version's classpath (from Maven Central) plus one
 * packaged listener jar, the listener attached by Spark configuration only. Its stderr (Spark's log)
 * goes to {@code driver.log} in its work directory; its stdout lines are the driver's replies.
 */
final class SparkDriverProcess implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path log;

    SparkDriverProcess(String sparkClasspath, Path listenerJar, Path work, Map<String, String> sparkConf) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : System.getProperty("spark.java17.opens", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.add("-Xmx768m");
        sparkConf.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(sparkClasspath + java.io.File.pathSeparator + listenerJar + java.io.File.pathSeparator + driverClasses());
        command.add(MatrixDriver.class.getName());
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
        }, "matrix-driver-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private static Path driverClasses() {
        try {
            return Paths.get(MatrixDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Waits for the driver's next line to start with {@code prefix}; fails with the log's tail otherwise. */
    String await(String prefix, Duration timeout) throws Exception {
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

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("driver JVM did not exit within " + timeout + "; log tail:\n" + logTail());
        }
        return process.exitValue();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String log() throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
