package io.streamops.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.demo.job.GroceryJob;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The grocery job as a user deploys it: its classes in a jar of their own, launched by Spark's own
 * {@code org.apache.spark.deploy.SparkSubmit} ({@code --master local[2]}) in a JVM of its own, with the shaded
 * listener given by {@code --jars} and attached by {@code --conf} only. The exporter's {@code command}
 * restarter runs the same argv. Every driver JVM carries {@link #MARKER} naming the run directory first on
 * its command line, so the demo finds (and on exit ends) the drivers the exporter started too.
 */
final class GroceryJobLauncher {
    static final String JOB = "grocery-store";
    static final String MARKER = "-Dstreamops.demo.run";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> argv;
    private final Path work;
    private final Path runDir;

    private GroceryJobLauncher(List<String> argv, Path work, Path runDir) {
        this.argv = List.copyOf(argv);
        this.work = work;
        this.runDir = runDir;
    }

    /**
     * Writes the job's jar under {@code runDir} and builds its SparkSubmit line.
     *
     * @param listenerJar the shaded listener jar
     * @param maxOffsetsPerTrigger the store-totals batch cap
     */
    static GroceryJobLauncher prepare(Path runDir, Path listenerJar, String bootstrap, int maxOffsetsPerTrigger) throws IOException {
        Path work = Files.createDirectories(runDir.resolve("job"));
        Path appJar = appJar(runDir.resolve("grocery-job.jar"));
        List<String> argv = new ArrayList<>();
        argv.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        argv.add(MARKER + "=" + runDir);
        argv.addAll(Arrays.asList(sparkJavaOptions().split("\\s+")));
        argv.addAll(List.of("-Xmx768m", "-cp", sparkClasspath(listenerJar), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--name", JOB, "--class", GroceryJob.class.getName(),
                "--jars", listenerJar.toString(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
                "--conf", "spark.sql.streaming.streamingQueryListeners=io.streamops.listener.StreamOpsListener",
                "--conf", "spark.streamops.kafka.bootstrap.servers=" + bootstrap,
                "--conf", "spark.streamops.job=" + JOB,
                "--conf", "spark.streamops.heartbeat.interval=1s",
                appJar.toString(), bootstrap, work.toString(), Integer.toString(maxOffsetsPerTrigger)));
        return new GroceryJobLauncher(argv, work, runDir);
    }

    /** The job's work directory: checkpoints and the incident switches ({@link GroceryJob}). */
    Path work() {
        return work;
    }

    Path checkpoint(String query) {
        return work.resolve("checkpoints").resolve(query);
    }

    /** Launches the job, its output to {@code log}. */
    Process launch(Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    /** The job's driver JVMs running now, those the exporter restarted included. */
    List<ProcessHandle> drivers() {
        String marker = MARKER + "=" + runDir + " ";
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .toList();
    }

    /** The {@code restarts:} section of exporter.yaml: the {@code command} restarter runs this same line. */
    String restartsSection(Path logDir) throws IOException {
        return "restarts:\n  targets:\n    - name: local-spark\n      jobs: [" + JOB + "]\n"
                + "      restarter:\n        type: command\n        command: " + JSON.writeValueAsString(argv) + "\n"
                + "        environment: [SPARK_LOCAL_IP]\n"
                + "        log_dir: " + JSON.writeValueAsString(logDir.toString()) + "\n";
    }

    /** Spark's Java 17 flags, from the build (the parent pom's spark.java17.opens). */
    private static String sparkJavaOptions() throws IOException {
        try (InputStream in = GroceryJobLauncher.class.getResourceAsStream("spark-java17.options")) {
            if (in == null) {
                throw new IllegalStateException("spark-java17.options missing: build the demo module with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /** Spark's and its Kafka connector's jars: this JVM's class path without the demo's own classes or the listener. */
    private static String sparkClasspath(Path listenerJar) {
        Path own = codeSource(GroceryJob.class).toAbsolutePath();
        return String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar") || Files.isDirectory(Paths.get(entry))) // not the exporter's pom
                .filter(entry -> !Paths.get(entry).toAbsolutePath().equals(own))
                .filter(entry -> !Paths.get(entry).toAbsolutePath().equals(listenerJar.toAbsolutePath()))
                .toList());
    }

    static Path codeSource(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job's classes (package io.streamops.demo.job) in a jar of their own, as its developer ships them. */
    private static Path appJar(Path jar) throws IOException {
        Path classes = codeSource(GroceryJob.class);
        Path dir = classes.resolve("io/streamops/demo/job");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> entries = Files.list(dir)) {
            for (Path classFile : entries.filter(p -> p.toString().endsWith(".class")).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
        return jar;
    }
}
