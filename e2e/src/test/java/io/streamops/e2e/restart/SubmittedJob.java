package io.streamops.e2e.restart;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.listener.StreamOpsListener;
import io.streamops.testkit.SparkDriverJvm;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * {@link OrdersJob} as a user deploys it: packaged in its own jar and launched by Spark's own
 * {@code org.apache.spark.deploy.SparkSubmit} ({@code --master local[2]}, Spark and its Kafka connector
 * from Maven Central on the classpath), the shaded listener given with {@code --jars} and attached by
 * {@code --conf} only. The same argv is what the test runs itself and what the exporter's {@code command}
 * restarter runs.
 */
public final class SubmittedJob {
    public static final String JOB = "orders-job";
    public static final String QUERY = "orders-to-files";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORK_PROPERTY = "-Dorders.job.work";

    private final List<String> argv;
    private final Path work;

    private SubmittedJob(List<String> argv, Path work) {
        this.argv = List.copyOf(argv);
        this.work = work;
    }

    /** Ends, forcibly, the launcher the test started itself and every driver of the job still running; either may be null. */
    public static void stop(Process launcher, SubmittedJob job) {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        if (job != null) {
            job.drivers().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The job's jar in {@code dir}, and the argv that submits it with {@code work} as its work directory. */
    public static SubmittedJob prepare(Path dir, String bootstrapServers, Path work) throws IOException {
        Files.createDirectories(work);
        Path appJar = appJar(dir.resolve("orders-job.jar"));
        List<String> argv = new ArrayList<>();
        argv.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // Names the job's JVMs early in the line: ProcessHandle shows only its first 4 KiB (and no arguments). See drivers().
        argv.add(WORK_PROPERTY + "=" + work);
        // Spark's Java 17 flags, as the test's JVM got them (SparkSubmit runs the driver in its own JVM in client mode).
        for (String option : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-opens") || option.startsWith("--add-exports")
                    || option.equals("-XX:+IgnoreUnrecognizedVMOptions") || option.startsWith("-Djdk.reflect.useDirectMethodHandle")) {
                argv.add(option);
            }
        }
        argv.addAll(List.of("-Xmx640m", "-cp", sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--name", JOB, "--class", OrdersJob.class.getName(),
                "--jars", SparkDriverJvm.codeSource(StreamOpsListener.class).toString(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
                "--conf", "spark.sql.streaming.streamingQueryListeners=" + StreamOpsListener.class.getName(),
                "--conf", "spark.streamops.kafka.bootstrap.servers=" + bootstrapServers,
                "--conf", "spark.streamops.job=" + JOB,
                "--conf", "spark.streamops.heartbeat.interval=1s",
                appJar.toString(), bootstrapServers, work.toString()));
        return new SubmittedJob(argv, work);
    }

    /** The job's SparkSubmit JVMs still running, those the exporter launched included. */
    public List<ProcessHandle> drivers() {
        String marker = WORK_PROPERTY + "=" + work;
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(line -> line.contains(marker + " ")).orElse(false))
                .toList();
    }

    /** The per-attempt logs the command restarter wrote in {@code logDir}: one per launch. */
    public static List<Path> attemptLogs(Path logDir) {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("restart-")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<String> argv() {
        return argv;
    }

    public Path work() {
        return work;
    }

    /** Launches the job as a user would, its output to {@code log}. */
    public Process launch(Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    /**
     * The {@code restarts:} section of exporter.yaml restarting this job with the {@code command} restarter
     * (JSON strings are YAML), under {@code policy} (YAML lines under {@code policy:}, or "" for the defaults).
     */
    public String restartsSection(Path logDir, String policy) throws IOException {
        StringBuilder y = new StringBuilder("restarts:\n");
        if (!policy.isEmpty()) {
            y.append("  policy:\n");
            policy.lines().forEach(line -> y.append("    ").append(line).append('\n'));
        }
        y.append("  targets:\n    - name: local-spark\n      jobs: [").append(JOB).append("]\n")
                .append("      restarter:\n        type: command\n        command: ").append(JSON.writeValueAsString(argv)).append('\n')
                .append("        environment: [SPARK_LOCAL_IP]\n")
                .append("        log_dir: ").append(JSON.writeValueAsString(logDir.toString())).append('\n');
        return y.toString();
    }

    /** Writes {@code values} to the job's input topic, in order, and waits until the broker has them. */
    public static void produce(String bootstrapServers, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers,
                "acks", "all"), new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>("orders", value)).get();
            }
        }
    }

    /**
     * The lines the file sink committed, read as a user reads it: by Spark, through the sink's
     * {@code _spark_metadata} log (files of batches that failed before their commit are not part of it).
     */
    public List<String> committedOutput() {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-output")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            return spark.read().text(work.resolve("out").toString()).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        } finally {
            spark.stop();
        }
    }

    /**
     * How many lines the file sink has committed, from its {@code _spark_metadata} log (each batch's file
     * lists the files it added; a compacted one lists all before it): cheap enough to poll while waiting.
     */
    public long committedLines() {
        Path log = work.resolve("out").resolve("_spark_metadata");
        if (!Files.isDirectory(log)) {
            return 0;
        }
        java.util.Set<String> files = new java.util.HashSet<>();
        try (Stream<Path> batches = Files.list(log)) {
            for (Path batch : batches.filter(p -> p.getFileName().toString().matches("\\d+(\\.compact)?")).toList()) {
                List<String> lines = Files.readAllLines(batch);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    com.fasterxml.jackson.databind.JsonNode entry = JSON.readTree(line);
                    if (entry.path("action").asText().equals("add")) {
                        files.add(entry.path("path").asText());
                    }
                }
            }
            long count = 0;
            for (String file : files) {
                try (Stream<String> lines = Files.lines(Paths.get(java.net.URI.create(file)))) {
                    count += lines.count();
                }
            }
            return count;
        } catch (IOException e) {
            return -1; // a batch file being written: ask again
        }
    }

    /** Spark's and the connector's jars (from Maven Central, as the test's classpath holds them), not the listener or this job. */
    private static String sparkClasspath() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path ownClasses = SparkDriverJvm.codeSource(OrdersJob.class).toAbsolutePath();
        Path listener = SparkDriverJvm.codeSource(StreamOpsListener.class).toAbsolutePath();
        return String.join(File.pathSeparator, Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .filter(entry -> !Paths.get(entry).toAbsolutePath().equals(ownClasses))
                .filter(entry -> !Paths.get(entry).toAbsolutePath().equals(listener))
                .toList());
    }

    /** OrdersJob's classes in a jar of their own, as its developer would ship it. */
    private static Path appJar(Path jar) throws IOException {
        Path classes = SparkDriverJvm.codeSource(OrdersJob.class);
        Path dir = classes.resolve("io/streamops/e2e/restart");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> entries = Files.list(dir)) {
            for (Path classFile : entries.filter(p -> p.getFileName().toString().startsWith("OrdersJob")).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
        return jar;
    }
}
