package io.streamops.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in its own JVM, bound to
 * 127.0.0.1, from the kafka_2.13 jars on Maven Central. Its own JVM because Kafka's Scala 2.13 and
 * Jackson 2.16+ would break Spark 3.5 in the test's JVM.
 *
 * <p>{@link #kill()} ends the process abruptly (a crash); {@link #start()} brings it back on the same
 * port with the same data. A shutdown hook kills it if the test JVM exits first.
 */
public final class KafkaTestBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path config;
    private Process process;
    private final Thread reaper = new Thread(this::destroyQuietly, "kafka-test-broker-reaper");

    public KafkaTestBroker() {
        this(Ports.free());
    }

    /** A broker that will listen on {@code port} (for "broker down at start" tests: reserve the port first). */
    public KafkaTestBroker(int port) {
        try {
            this.dir = Files.createTempDirectory("streamops-kafka-");
            this.port = port;
            this.controllerPort = Ports.freeOtherThan(port); // Kafka refuses two listeners on one port
            this.config = dir.resolve("server.properties");
            Files.write(config, serverProperties().getBytes(StandardCharsets.UTF_8));
            Files.write(dir.resolve("log4j.properties"), log4j().getBytes(StandardCharsets.UTF_8));
            run(Duration.ofSeconds(60), "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", config.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts a broker on a free port and waits until it accepts connections. */
    public static KafkaTestBroker started() {
        KafkaTestBroker broker = new KafkaTestBroker();
        broker.start();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts (or restarts) the broker process and waits until it says it has started. */
    public synchronized KafkaTestBroker start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Path log = dir.resolve("broker.log");
            Files.deleteIfExists(log);
            process = javaProcess(log, "-Xmx512m", "kafka.Kafka", config.toString()).start();
            final Process started = process;
            Await.until("Kafka broker on " + bootstrapServers() + " to start (log: " + log + ")", Duration.ofSeconds(90), () -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with " + started.exitValue() + "; see " + log);
                }
                return contains(log, "Kafka Server started") && accepts();
            });
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the broker at once, as a crash would (SIGKILL): nothing is flushed or handed over. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /** A clean stop. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            if (!waitFor(process)) {
                process.destroyForcibly();
                waitFor(process);
            }
            process = null;
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // fine: the hook runs anyway
        }
        deleteRecursively(dir);
    }

    private void destroyQuietly() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private void run(Duration timeout, String... mainAndArgs) throws IOException {
        Path log = dir.resolve("format.log");
        List<String> args = new ArrayList<>();
        args.add("-Xmx256m");
        for (String a : mainAndArgs) {
            args.add(a);
        }
        Process p = javaProcess(log, args.toArray(new String[0])).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("Kafka storage format failed: " + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ProcessBuilder javaProcess(Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"));
        command.add("-cp");
        command.add(brokerClasspath());
        for (String a : args) {
            command.add(a);
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private String serverProperties() {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "") ;
    }

    private static String log4j() {
        return String.join("\n",
                "log4j.rootLogger=WARN, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.kafka.server.KafkaRaftServer=INFO",
                "");
    }

    /**
     * A random cluster id in Kafka's form (URL-safe base64 of 16 bytes). Never one that starts with '-':
     * kafka-storage would read it as an option and fail, about one run in 64 (Kafka's own Uuid.randomUuid
     * skips those too; its class is not on every test's classpath, so the rule is repeated here).
     */
    private static String clusterId() {
        String id;
        do {
            id = base64(UUID.randomUUID());
        } while (id.startsWith("-"));
        return id;
    }

    private static String base64(UUID uuid) {
        byte[] bytes = new byte[16];
        long hi = uuid.getMostSignificantBits();
        long lo = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String brokerClasspath() {
        try (InputStream in = KafkaTestBroker.class.getResourceAsStream("kafka-broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker.classpath missing: build the testkit module with Maven");
            }
            return new String(readAll(in), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is not worth failing a test over
        }
    }
}
