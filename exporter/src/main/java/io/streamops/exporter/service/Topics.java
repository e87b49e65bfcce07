package io.streamops.exporter.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/** Creates the exporter's topics that do not exist yet; one that exists (made by us or by anyone) is left as it is. */
final class Topics {
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
}
