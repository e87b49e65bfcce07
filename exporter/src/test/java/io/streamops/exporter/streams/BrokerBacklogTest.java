package io.streamops.exporter.streams;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 7: the catch-up checks of all of an instance's tasks share one admin client (it was one per task). */
class BrokerBacklogTest {
    private static final Map<String, Object> APP = Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "streamops-exporter",
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9", "request.timeout.ms", "1000");

    @Test
    void everyTaskOfAnInstanceSharesOneAdminClientClosedWithTheLastTask() {
        List<Admin> made = new ArrayList<>();
        BrokerBacklog backlogs = new BrokerBacklog(configs -> {
            Admin admin = Admin.create(Map.of("bootstrap.servers", configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)));
            made.add(admin);
            return admin;
        });
        List<Backlog> tasks = new ArrayList<>();
        for (int task = 0; task < 6; task++) {
            tasks.add(backlogs.apply(APP, "0_" + task));
        }
        assertThat(made).as("admin clients for six tasks").hasSize(1);
        assertThat(backlogs.users()).isEqualTo(6);

        tasks.get(0).close();
        tasks.get(0).close(); // a task closed twice (revived, then closed) releases once
        assertThat(backlogs.users()).isEqualTo(5);
        tasks.subList(1, 6).forEach(Backlog::close);
        assertThat(backlogs.users()).isZero();

        backlogs.apply(APP, "0_0").close();
        assertThat(made).as("a task after the last one closed gets a new client").hasSize(2);
    }
}
