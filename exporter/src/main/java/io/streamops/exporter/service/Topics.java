package io.streamops.exporter.service;

import io.streamops.exporter.streams.HeardClock;
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

/** Creates the exporter's topics that do not exist yet; one that exists (made by us or by anyone) is left as it is. */
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

    /**
     * Makes the events topic stamp each record with the broker's append time, so that silence is measured
     * from when events arrived and not from when this instance got round to reading them (after downtime
     * a backlog was all "heard" at once). The events carry the driver's own time in their body, so the
     * record timestamp the listener sets is not needed. If the topic cannot be changed (no ALTER_CONFIGS
     * permission, say) the exporter measures on its own clock as it reads, and says so.
     */
    static HeardClock brokerAppendTime(Properties kafka, String topic) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(kafka)) {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type != null && LOG_APPEND_TIME.equals(type.value())) {
                return HeardClock.BROKER_APPEND_TIME;
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME), AlterConfigOp.OpType.SET))))
                    .all().get();
            LOG.info("set {}={} on topic '{}': silence is measured from when the broker received each event",
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME, topic);
            return HeardClock.BROKER_APPEND_TIME;
        } catch (ExecutionException e) {
            LOG.warn("cannot make topic '{}' keep the broker's append time ({}={}: {}); silence is measured from when this"
                            + " instance reads each event, which after downtime or lag is later than it arrived",
                    topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME, e.getCause().toString());
            return HeardClock.PROCESSING_TIME;
        }
    }
}
