package io.streamops.exporter.service;

import io.streamops.exporter.config.ConfigLoader;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.notify.alertmanager.AlertmanagerNotifier;
import io.streamops.exporter.notify.delivery.Receiver;
import io.streamops.exporter.notify.email.EmailNotifier;
import io.streamops.exporter.notify.pagerduty.PagerDutyNotifier;
import io.streamops.exporter.notify.webhook.WebhookNotifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each receiver in exporter.yaml becomes the notifier of its type, under its own name. */
class ReceiversTest {

    @Test
    void eachReceiverGetsTheNotifierOfItsType(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "127.0.0.1:9092"}
                receivers:
                  pagerduty: {type: pagerduty, routing_key: k}
                  email: {type: email, host: h, from: a@example.com, to: [c@example.com]}
                  slack: {type: webhook, url: "http://127.0.0.1:1/"}
                  am: {type: alertmanager, url: "http://127.0.0.1:9093"}
                """);
        ExporterConfig config = new ConfigLoader(Map.<String, String>of()::get).load(file);

        List<Receiver> receivers = Receivers.build(config.receivers().values());

        assertThat(receivers).extracting(Receiver::name).containsExactly("pagerduty", "email", "slack", "am");
        assertThat(receivers).extracting(r -> (Object) r.notifier().getClass()).containsExactly(
                PagerDutyNotifier.class, EmailNotifier.class, WebhookNotifier.class, AlertmanagerNotifier.class);
    }
}
