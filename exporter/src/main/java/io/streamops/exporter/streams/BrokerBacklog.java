package io.streamops.exporter.streams;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Backlog} from the broker, through an admin client made from the application's own Kafka
 * settings (security included). Each task holds one while it runs and asks it every few seconds.
 */
final class BrokerBacklog implements Backlog {
    private final Admin admin;
    private final String groupId;

    BrokerBacklog(Map<String, Object> appConfigs, String taskId) {
        StreamsConfig config = new StreamsConfig(appConfigs);
        this.groupId = config.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        this.admin = Admin.create(config.getAdminConfigs(groupId + "-backlog-" + taskId));
    }

    @Override
    public CompletableFuture<Long> endOffset(TopicPartition partition) {
        CompletableFuture<Long> out = new CompletableFuture<>();
        admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition).whenComplete((info, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(info.offset());
                    }
                });
        return out;
    }

    @Override
    public CompletableFuture<Long> committedOffset(TopicPartition partition) {
        CompletableFuture<Long> out = new CompletableFuture<>();
        admin.listConsumerGroupOffsets(Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))))
                .partitionsToOffsetAndMetadata(groupId).whenComplete((offsets, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        OffsetAndMetadata committed = offsets.get(partition);
                        out.complete(committed == null ? 0L : committed.offset());
                    }
                });
        return out;
    }

    @Override
    public void close() {
        admin.close(Duration.ZERO); // on the stream thread: never wait; what is still pending is not needed

    }
}
