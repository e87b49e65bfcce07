package io.streamops.exporter.it;

import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the ITs that run the packaged exporter jar as separate processes set up the same way. */
final class PackagedExporters {
    static final String ROUTING_KEY = "routing-key-for-tests";

    private PackagedExporters() {
    }

    /** The events and alerts topics, 6 partitions each, as the exporter's defaults name them. */
    static void createTopics(KafkaTestBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("streamops-events", 6, (short) 1),
                    new NewTopic("streamops-alerts", 6, (short) 1))).all().get();
        }
    }

    /** One rule: a failed query pages PagerDuty. */
    static Path queryFailedRules(Path dir) throws Exception {
        return Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: QueryFailed
                    expr: 'status == "failed"'
                    severity: critical
                    notify: [pagerduty]
                    annotations:
                      summary: '"Query " + query + " failed"'
                """);
    }

    /** The jar under test: this build's, or {@code -Dstreamops.exporter.jar=...}. */
    static Path jar() {
        return Path.of(System.getProperty("streamops.exporter.jar", Path.of("target", "streamops-exporter.jar").toString())).toAbsolutePath();
    }

    /** Starts the jar with {@code config} (PagerDuty's routing key in its environment) and adds it to {@code processes}. */
    static ExporterProcess start(List<ExporterProcess> processes, Path config, int port, Path log) throws Exception {
        ExporterProcess process = new ExporterProcess(jar(), config, port, log, Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY));
        processes.add(process);
        return process;
    }
}
