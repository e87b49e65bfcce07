package io.streamops.exporter.it;

import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 7, finding 6: two instances with the same static member id (a data_dir copied with
 * its member-id file) fence each other. The broker fences the older member, its Kafka Streams goes to
 * ERROR and it processes nothing more; before, /healthz still answered ok and nothing in the log said
 * why. Now the fenced instance's /healthz answers 503 naming the member id and the likely cause, and its
 * log says the same.
 */
class CopiedDataDirIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void anInstanceFencedByACopyOfItsDataDirIsUnhealthyAndSaysWhy(@TempDir Path dir) throws Exception {
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(PackagedExporters.ROUTING_KEY)) {
            PackagedExporters.createTopics(broker);
            Path rules = PackagedExporters.queryFailedRules(dir);
            int portA = Ports.free();
            int portB = Ports.freeOtherThan(portA);
            Path configA = ExporterConfigFile.of(broker.bootstrapServers(), portA, rules, dir.resolve("data-a"))
                    .pagerDuty(pagerDuty.baseUrl()).writeTo(dir.resolve("a.yaml"));
            Path configB = ExporterConfigFile.of(broker.bootstrapServers(), portB, rules, dir.resolve("data-b"))
                    .pagerDuty(pagerDuty.baseUrl()).writeTo(dir.resolve("b.yaml"));
            List<ExporterProcess> processes = new ArrayList<>();
            try {
                ExporterProcess a = PackagedExporters.start(processes, configA, portA, dir.resolve("a.log"));
                a.awaitReady(WAIT);
                assertThat(a.get("/healthz").statusCode()).as("a healthy before the copy starts").isEqualTo(200);
                String memberId = Files.readString(dir.resolve("data-a").resolve("member-id")).strip();
                // The copy: the operator copied data_dir, member-id included (nothing else is needed to collide).
                Files.createDirectories(dir.resolve("data-b"));
                Files.writeString(dir.resolve("data-b").resolve("member-id"), memberId + "\n");
                ExporterProcess b = PackagedExporters.start(processes, configB, portB, dir.resolve("b.log"));

                Await.until("one of the two to be fenced and say so on /healthz", WAIT,
                        () -> unhealthy(a) || unhealthy(b));
                ExporterProcess fenced = unhealthy(a) ? a : b;
                HttpResponse<String> health = fenced.get("/healthz");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("member id streamops-exporter-" + memberId + " is in use by another exporter (copied data_dir?)");
                assertThat(fenced.log()).contains("member id streamops-exporter-" + memberId + " is in use by another exporter (copied data_dir?)");
            } finally {
                for (ExporterProcess process : processes) {
                    process.close();
                }
            }
        }
    }

    private static boolean unhealthy(ExporterProcess p) {
        return p.get("/healthz").statusCode() == 503;
    }
}
