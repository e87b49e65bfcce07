package io.streamops.exporter.service;

import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 review: the exporter changed the user's existing events topic at every start without being asked.
 * Now a topic it creates keeps the broker's append time, and an existing one is changed only if allowed.
 */
class TopicsTest {
    private static KafkaTestBroker broker;
    private static Properties kafka;

    @BeforeAll
    static void startBroker() {
        broker = KafkaTestBroker.started();
        kafka = new Properties();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static String timestampType(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(kafka)) {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
        }
    }

    @Test
    void aTopicTheExporterCreatesKeepsTheBrokersAppendTime() throws Exception {
        Topics.ensure(kafka, List.of(Topics.eventsTopic("created-by-exporter")));
        assertThat(timestampType("created-by-exporter")).isEqualTo("LogAppendTime");
        assertThat(Topics.checkAppendTime(kafka, "created-by-exporter", false)).isEqualTo(Topics.AppendTime.KEPT);
    }

    @Test
    void theUsersTopicIsLeftAsItIsUnlessTheSettingAllowsTheChange() throws Exception {
        Topics.ensure(kafka, List.of(new NewTopic("users-events", 1, (short) -1)));
        Topics.ensure(kafka, List.of(Topics.eventsTopic("users-events")));
        assertThat(Topics.checkAppendTime(kafka, "users-events", false)).isEqualTo(Topics.AppendTime.LEFT_AS_IS);
        assertThat(timestampType("users-events")).as("not changed without kafka.set_log_append_time").isEqualTo("CreateTime");

        assertThat(Topics.checkAppendTime(kafka, "users-events", true)).isEqualTo(Topics.AppendTime.SET);
        assertThat(timestampType("users-events")).isEqualTo("LogAppendTime");
    }
}
