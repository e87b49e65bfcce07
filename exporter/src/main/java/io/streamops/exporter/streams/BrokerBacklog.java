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
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@link Backlog} from the broker, through one admin client per instance (per topology built), made from
 * the application's own Kafka settings (security included) when its first task starts and closed when
 * its last task closes. Each task asks it every few seconds; one client per task would have cost a
 * connection and a thread each, for a few small requests.
 */
final class BrokerBacklog implements BiFunction<Map<String, Object>, String, Backlog> {
    private final Function<Map<String, Object>, Admin> adminFactory;
    private Admin admin; // guarded by this
    private String groupId; // guarded by this
    private int users; // guarded by this

    BrokerBacklog() {
        this(configs -> {
            StreamsConfig config = new StreamsConfig(configs);
            String application = config.getString(StreamsConfig.APPLICATION_ID_CONFIG);
            return Admin.create(config.getAdminConfigs(application + "-backlog"));
        });
    }

    /** @param adminFactory makes the shared client from the application's configs (tests count its calls) */
    BrokerBacklog(Function<Map<String, Object>, Admin> adminFactory) {
        this.adminFactory = adminFactory;
    }

    /** The backlog of one task, on the shared client; closing it releases the task's use of the client. */
    @Override
    public synchronized Backlog apply(Map<String, Object> appConfigs, String taskId) {
        if (admin == null) {
            groupId = new StreamsConfig(appConfigs).getString(StreamsConfig.APPLICATION_ID_CONFIG);
            admin = adminFactory.apply(appConfigs);
        }
        users++;
        return new TaskBacklog(admin, groupId);
    }

    /** How many tasks use the shared client now. */
    synchronized int users() {
        return users;
    }

    private synchronized void release() {
        if (--users == 0) {
            admin.close(Duration.ZERO); // on a stream thread: never wait; what is still pending is not needed
            admin = null;
        }
    }

    private final class TaskBacklog implements Backlog {
        private final Admin admin;
        private final String groupId;
        private boolean closed;

        TaskBacklog(Admin admin, String groupId) {
            this.admin = admin;
            this.groupId = groupId;
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
            if (!closed) {
                closed = true;
                release();
            }
        }
    }
}
