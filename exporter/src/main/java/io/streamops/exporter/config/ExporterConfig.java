package io.streamops.exporter.config;

import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.restart.RestartsConfig;
import io.streamops.exporter.support.Secret;
import io.streamops.exporter.web.DashboardAction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exporter's configuration (exporter.yaml), validated: {@link ConfigLoader} builds it, and a value
 * of this type has no unchecked setting left in it.
 *
 * @param restarts which jobs are restarted, how, and by which policy ({@link RestartsConfig#NONE}: none)
 * @param dashboardActions the web dashboard's buttons ({@code dashboard.actions}), in order; empty: none
 */
public record ExporterConfig(
        Kafka kafka,
        Http http,
        Path rulesFile,
        StatusPolicy status,
        Routing routing,
        Metrics metrics,
        DashboardLinks dashboard,
        Path dataDir,
        Map<String, ReceiverConfig> receivers,
        RestartsConfig restarts,
        List<DashboardAction> dashboardActions) {

    /** How long the router gathers a group for {@code receiver} (see {@link ReceiverConfig#groupWait}). */
    public Duration groupWaitOf(String receiver) {
        ReceiverConfig config = receivers.get(receiver);
        return config == null ? routing.groupWait() : config.groupWait(routing.groupWait());
    }

    /**
     * {@code setLogAppendTime}: whether the exporter may change an events topic it did not create to keep
     * the broker's append time (a topic it creates gets it anyway).
     */
    public record Kafka(String bootstrapServers, String eventsTopic, String alertsTopic, String applicationId,
                        int maxEventBytes, Map<String, String> properties, boolean setLogAppendTime) {
    }

    /** {@code token} guards every endpoint that changes state; with none, such requests are refused. */
    public record Http(String host, int port, Optional<Secret> token) {
    }

    /**
     * What the fleet series on /metrics include. {@code partitionLag}: one series per Kafka partition of
     * every query (queries x partitions series, so off by default; per source is always on).
     */
    public record Metrics(boolean partitionLag) {
    }

    /** How firing alerts become notifications: wait this long to gather a group, grouped by these labels. */
    public record Routing(Duration groupWait, List<String> groupBy) {
    }
}
