package io.streamops.exporter.restart;

import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.Properties;

/** Tests of the journal and the controller: a real KRaft broker with a journal topic made as the exporter makes it. */
abstract class WithJournalBroker {
    static final String TOPIC = "streamops-restarts";
    private static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.started();
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(KafkaRestartJournal.topic(TOPIC, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static Properties kafka() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }
}
