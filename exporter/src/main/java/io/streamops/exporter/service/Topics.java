package io.streamops.exporter.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Creates the exporter's topics that do not exist yet; one that exists (made by us or by anyone) is left as it
 * is, unless the user lets the exporter set the events topic's timestamp type.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final String LOG_APPEND_TIME = "LogAppendTime";

    private Topics() {
    }

    static void ensure(Properties kafka, List<NewTopic> topics) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(kafka)) {
            for (KafkaFuture<Void> created : admin.createTopics(topics).values().values()) {
                try {
                    created.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /** The events topic as the exporter creates it: stamped with the broker's append time. */
    static NewTopic eventsTopic(String name) {
        return new NewTopic(name, 6, (short) -1).configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME));
    }

    /** What {@link #checkAppendTime} found, and did. */
    enum AppendTime { KEPT, SET, LEFT_AS_IS, UNKNOWN }

    /**
     * An events topic the exporter did not create (the user's, or a listener's auto-created one) is the
     * user's: it is changed to keep the broker's append time only if {@code mayAlter} ({@code
     * kafka.set_log_append_time}, which needs ALTER_CONFIGS on the topic); otherwise the one command that
     * would do it is logged. Either way the exporter is right: each record's timestamp type is checked as
     * it is read ({@link io.streamops.exporter.streams.HeardTimeExtractor}), and records the producer
     * stamped are heard when this instance reads them, which after downtime or lag is later than they
     * arrived.
     */
    static AppendTime checkAppendTime(Properties kafka, String topic, boolean mayAlter) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(kafka)) {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type != null && LOG_APPEND_TIME.equals(type.value())) {
                return AppendTime.KEPT;
            }
            if (!mayAlter) {
                LOG.warn("topic '{}' keeps the producers' timestamps, so events read late (after downtime or lag) count"
                                + " from when this instance reads them; to count from when the broker received them run"
                                + " once: kafka-configs --bootstrap-server {} --alter --entity-type topics --entity-name {}"
                                + " --add-config {}={}  (or set kafka.set_log_append_time: true)",
                        topic, kafka.getProperty("bootstrap.servers"), topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                        LOG_APPEND_TIME);
                return AppendTime.LEFT_AS_IS;
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME), AlterConfigOp.OpType.SET))))
                    .all().get();
            LOG.info("set {}={} on topic '{}' (kafka.set_log_append_time): silence is measured from when the broker"
                    + " received each event", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME, topic);
            return AppendTime.SET;
        } catch (ExecutionException e) {
            LOG.warn("cannot read or change {} of topic '{}' (DESCRIBE_CONFIGS / ALTER_CONFIGS: {}); events the producers"
                            + " stamped are heard when this instance reads them", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                    topic, e.getCause().toString());
            return AppendTime.UNKNOWN;
        }
    }
}
