package io.streamops.demo;

import io.streamops.demo.job.GroceryJob;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything the demo runs, on 127.0.0.1, started in order and stopped in reverse: the receivers (SMTP and
 * PagerDuty), the control server, a KRaft broker in its own JVM, the grocery job through SparkSubmit, the
 * packaged exporter in its own JVM, and the purchase producer. {@link #close()} leaves no process behind:
 * the drivers (those the exporter restarted included, found by their marker), the exporter, the broker, and
 * any other process this JVM started.
 */
final class DemoStack implements AutoCloseable {
    static final List<String> TOPICS = List.of(PurchaseProducer.TOPIC, "alerting", "alerting-commits", "store-totals");
    private static final Duration READY = Duration.ofMinutes(3);

    final Path runDir;
    final Receivers receivers;
    final ControlServer control;
    final KafkaTestBroker broker;
    final GroceryJobLauncher job;
    final ExporterProcess exporter;
    final ExporterApi api;
    final Path rules;
    final ApiToken token;
    final PurchaseProducer producer;
    private final List<AutoCloseable> started = new ArrayList<>();

    DemoStack(Path home, Path runDir, DemoOptions options) throws Exception {
        this.runDir = runDir;
        try {
            token = ApiToken.forRun(runDir);
            receivers = started(new Receivers());
            control = started(new ControlServer(receivers));
            broker = started(KafkaTestBroker.started());
            createTopics(broker.bootstrapServers());
            job = GroceryJobLauncher.prepare(runDir, listenerJar(), broker.bootstrapServers(), Pace.MAX_OFFSETS_PER_TRIGGER);
            started.add(this::stopDrivers);
            job.launch(runDir.resolve("driver.log"));
            int httpPort = Ports.free();
            api = new ExporterApi(URI.create("http://127.0.0.1:" + httpPort + "/"));
            rules = DemoRules.shortened(home.resolve("alert-rules").resolve("streamops-rules.yaml"), options.pace().rulesForDivisor(),
                    runDir.resolve("rules.yaml"));
            Path config = writeExporterConfig(runDir.resolve("exporter.yaml"), httpPort, options.pace());
            exporter = started(new ExporterProcess(home.resolve("exporter").resolve("target").resolve("streamops-exporter.jar"),
                    config, httpPort, runDir.resolve("exporter.log"),
                    Map.of(ExporterConfigFile.ROUTING_KEY_ENV, Receivers.ROUTING_KEY, "SPARK_LOCAL_IP", "127.0.0.1",
                            ApiToken.EXPORTER_ENV, token.reveal())));
            exporter.awaitReady(READY);
            producer = started(new PurchaseProducer(broker.bootstrapServers(), options.seed(), Pace.RATE).start());
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T started(T part) {
        started.add(part);
        return part;
    }

    URI dashboard() {
        return api.base();
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>(List.of(new NewTopic("streamops-events", 3, (short) 1),
                    new NewTopic("streamops-alerts", 3, (short) 1)));
            topics.add(new NewTopic(PurchaseProducer.TOPIC, 2, (short) 1));
            TOPICS.stream().skip(1).forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private Path writeExporterConfig(Path file, int httpPort, Pace pace) throws IOException {
        ExporterConfigFile config = ExporterConfigFile.of(broker.bootstrapServers(), httpPort, rules, runDir.resolve("exporter-data"))
                .groupWait("500ms")
                .status("driver_lost_after", Pace.DRIVER_LOST_AFTER.toSeconds() + "s")
                .status("stalled_after", Pace.STALLED_AFTER.toSeconds() + "s")
                .status("stalled_triggers", "5")
                .status("window", pace.window().toSeconds() + "s")
                .pagerDuty(receivers.pagerDutyUrl()).email(receivers.smtpPort(), Receivers.MAIL_TO);
        StringBuilder actions = new StringBuilder("dashboard:\n  actions:\n");
        for (Incident i : Incident.values()) {
            actions.append("    - label: \"demo: ").append(i.id).append("\"\n      url: ").append(control.incidentUrl(i)).append('\n');
        }
        // The dashboard's buttons need http.token (read from the exporter's environment, never written here).
        String http = "http:\n  host: 127.0.0.1\n  port: " + httpPort + "\n";
        String yaml = config.yaml();
        if (!yaml.contains(http)) {
            throw new IllegalStateException("the exporter config has no http section to add the token to:\n" + yaml);
        }
        yaml = yaml.replace(http, http + "  token: ${" + ApiToken.EXPORTER_ENV + "}\n");
        return Files.writeString(file, yaml + job.restartsSection(runDir.resolve("restart-logs")) + actions);
    }

    /**
     * The shaded listener jar, which the demo's build put on its class path, copied into the run directory as
     * a user deploys it (a later build rewriting the original cannot reach a running or restarted driver).
     */
    private Path listenerJar() throws ClassNotFoundException, IOException {
        Path built = GroceryJobLauncher.codeSource(Class.forName("io.streamops.listener.StreamOpsListener", false,
                GroceryJob.class.getClassLoader()));
        return Files.copy(built, runDir.resolve(built.getFileName()));
    }

    /** SIGTERM to every driver (Spark's and the listener's shutdown hooks run), SIGKILL to what is left after 15 s. */
    private void stopDrivers() {
        List<ProcessHandle> drivers = job.drivers();
        drivers.forEach(ProcessHandle::destroy);
        for (ProcessHandle d : drivers) {
            try {
                d.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                d.destroyForcibly();
            }
        }
    }

    /** Stops everything started, newest first, then anything this JVM started that is still running. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("demo: stopping " + started.get(i) + ": " + e);
            }
        }
        if (job != null) {
            job.drivers().forEach(ProcessHandle::destroyForcibly); // one the exporter launched as it stopped
        }
        List<ProcessHandle> left = new ArrayList<>(descendants);
        left.addAll(ProcessHandle.current().descendants().toList());
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("demo: process " + p.pid() + " did not exit: " + e);
            }
        }
        started.clear();
    }
}
