package io.streamops.exporter.service;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 review: a SIGKILLed instance's partitions waited out Kafka's 45 s session timeout. Both the Kafka
 * Streams member and the router's consumer now get 10 s (heartbeat 3 s), unless the user's kafka properties say otherwise.
 */
class GroupTimeoutsTest {
    @Test
    void streamsAndTheRouterGetTenSecondSessionsByDefault() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "localhost:9092");
        Properties streams = ExporterService.streamsProperties(kafka, "app", Path.of("state"), "c");
        assertThat(streams.getProperty("session.timeout.ms")).isEqualTo("10000");
        assertThat(streams.getProperty("heartbeat.interval.ms")).isEqualTo("3000");
        assertThat(new StreamsConfig(streams).getMainConsumerConfigs("app", "c", 0)).containsEntry("session.timeout.ms", "10000");
        Properties router = ExporterService.withGroupTimeouts(kafka);
        assertThat(router.getProperty("session.timeout.ms")).isEqualTo("10000");
        assertThat(router.getProperty("heartbeat.interval.ms")).isEqualTo("3000");
    }

    @Test
    void theUsersKafkaPropertiesWin() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "localhost:9092");
        kafka.put("session.timeout.ms", "6000");
        kafka.put("heartbeat.interval.ms", "1000");
        assertThat(ExporterService.streamsProperties(kafka, "app", Path.of("state"), "c").getProperty("session.timeout.ms"))
                .isEqualTo("6000");
        assertThat(ExporterService.withGroupTimeouts(kafka).getProperty("heartbeat.interval.ms")).isEqualTo("1000");
    }
}
