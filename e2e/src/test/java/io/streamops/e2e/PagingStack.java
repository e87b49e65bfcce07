package io.streamops.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a failure travels through after the driver, all real: a KRaft broker with the events and
 * alerts topics, the packaged exporter in its own process running the shipped rules, a GreenMail SMTP
 * server and the PagerDuty Events v2 contract server. Closing stops them in reverse order and keeps the
 * exporter's log under {@code target/} for whoever reads a failure (the temp dir goes away with the test).
 */
final class PagingStack implements AutoCloseable {
    static final String ROUTING_KEY = "e2e-routing-key";

    private final GreenMail smtp;
    private final KafkaTestBroker broker;
    private final PagerDutyContractServer pagerDuty;
    private final ExporterProcess exporter;
    private final Path exporterLog;
    private final Path keptLog;

    /** Starts everything and waits for the exporter; {@code keptLogName} is the log's name under {@code target/}. */
    PagingStack(Path dir, Duration wait, String keptLogName) throws Exception {
        this(dir, wait, keptLogName, Map.of());
    }

    /** A real SMTP inbox on 127.0.0.1, started. GreenMail picks its own port: no window between finding a free port and binding it. */
    static GreenMail startedInbox() {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        return smtp;
    }

    /** As above, with these settings in the exporter's {@code status:} section ({@code driver_lost_after}, ...). */
    PagingStack(Path dir, Duration wait, String keptLogName, Map<String, String> status) throws Exception {
        this.exporterLog = dir.resolve("exporter.log");
        this.keptLog = Path.of("target", keptLogName);
        smtp = startedInbox();
        KafkaTestBroker startedBroker = null;
        PagerDutyContractServer startedPagerDuty = null;
        try {
            startedBroker = KafkaTestBroker.started();
            startedPagerDuty = new PagerDutyContractServer(ROUTING_KEY);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", startedBroker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1))).all().get();
            }
            int httpPort = Ports.free();
            Path config = dir.resolve("exporter.yaml");
            // The shipped rules also mail, so the exporter needs an email receiver to start.
            ExporterConfigFile file = ExporterConfigFile.of(startedBroker.bootstrapServers(), httpPort,
                    Path.of("..", "alert-rules", "streamops-rules.yaml"), dir.resolve("data"));
            status.forEach(file::status);
            file.groupWait("500ms").dashboardUrl("http://127.0.0.1:" + httpPort + "/")
                    .pagerDuty(startedPagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "oncall@example.com")
                    .writeTo(config);
            exporter = new ExporterProcess(Path.of("..", "exporter", "target", "streamops-exporter.jar").toAbsolutePath(),
                    config, httpPort, exporterLog, Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY));
        } catch (Exception | Error e) {
            closeQuietly(startedPagerDuty);
            closeQuietly(startedBroker);
            smtp.stop();
            throw e;
        }
        broker = startedBroker;
        pagerDuty = startedPagerDuty;
        try {
            exporter.awaitReady(wait);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing: the first error is the one to report
            }
        }
    }

    GreenMail smtp() {
        return smtp;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    PagerDutyContractServer pagerDuty() {
        return pagerDuty;
    }

    ExporterProcess exporter() {
        return exporter;
    }

    Path exporterLog() {
        return exporterLog;
    }

    @Override
    public void close() throws Exception {
        try {
            exporter.close();
            if (Files.exists(exporterLog)) {
                Files.copy(exporterLog, keptLog, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                pagerDuty.close();
                broker.close();
            } finally {
                smtp.stop();
            }
        }
    }
}
