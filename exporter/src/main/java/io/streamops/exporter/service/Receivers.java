package io.streamops.exporter.service;

import io.streamops.exporter.config.ReceiverConfig;
import io.streamops.exporter.notify.Notifier;
import io.streamops.exporter.notify.alertmanager.AlertmanagerNotifier;
import io.streamops.exporter.notify.delivery.Receiver;
import io.streamops.exporter.notify.email.EmailNotifier;
import io.streamops.exporter.notify.pagerduty.PagerDutyNotifier;
import io.streamops.exporter.notify.webhook.WebhookNotifier;

import java.util.Collection;
import java.util.List;

/** The notifiers for the receivers in exporter.yaml (already validated by {@code ConfigLoader}). */
public final class Receivers {
    private Receivers() {
    }

    public static List<Receiver> build(Collection<ReceiverConfig> receivers) {
        return receivers.stream().map(r -> new Receiver(r.name(), notifier(r.channel()), r.retryPolicy())).toList();
    }

    private static Notifier notifier(ReceiverConfig.Channel channel) {
        if (channel instanceof ReceiverConfig.PagerDuty pagerDuty) {
            return new PagerDutyNotifier(pagerDuty.config());
        }
        if (channel instanceof ReceiverConfig.Email email) {
            return new EmailNotifier(email.config());
        }
        if (channel instanceof ReceiverConfig.Webhook webhook) {
            return new WebhookNotifier(webhook.endpoint());
        }
        return new AlertmanagerNotifier(((ReceiverConfig.Alertmanager) channel).endpoint());
    }
}
