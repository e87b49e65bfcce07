package io.streamops.exporter.restart;

import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.support.BackgroundConsumer;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two feeds every instance reads in the background (restart commands, the progress of waiting jobs),
 * against a real broker: partitions added to their topics after they started are read too, and a topic
 * that is not there yet is waited for.
 */
class RestartFeedsTest extends WithJournalBroker {
    private static final Duration LOOKUP = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(kafka(), new StringSerializer(), new ByteArraySerializer());
    }

    private static void addPartition(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka())) {
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get();
        }
    }

    @Test
    void aCommandOnAPartitionAddedAfterTheStartIsRead() throws Exception {
        String topic = "commands-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(RestartCommands.topic(topic, (short) 1))).all().get();
        }
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        try (RestartCommands commands = RestartCommands.start(topic, kafka(), Duration.ofMinutes(10), Clock.systemUTC(),
                command -> read.add(command.id()), LOOKUP);
             KafkaProducer<String, byte[]> producer = producer()) {
            RestartCommands.Command first = RestartCommands.Command.manual(RestartSubject.ofJob("shop"), Instant.now());
            commands.send(first);
            Await.until("the command on partition 0", WAIT, () -> read.contains(first.id()));

            addPartition(topic);
            RestartCommands.Command later = RestartCommands.Command.manual(RestartSubject.ofJob("orders"), Instant.now());
            producer.send(new ProducerRecord<>(topic, 1, "orders", Json.MAPPER.writeValueAsBytes(later))).get();
            Await.until("the command on the partition added later", WAIT, () -> read.contains(later.id()));
        }
    }

    @Test
    void progressOnAPartitionAddedAfterTheStartIsFed() throws Exception {
        String topic = "events-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        ConcurrentLinkedQueue<String> runs = new ConcurrentLinkedQueue<>();
        try (ProgressFeed feed = new ProgressFeed(kafka(), topic, new EventParser(1 << 20), () -> Set.of("orders"),
                (job, observation) -> runs.add(job + "/" + ((Observation.ProgressMade) observation).runId()),
                Clock.systemUTC(), LOOKUP).start();
             KafkaProducer<String, byte[]> producer = producer()) {
            // A query reports progress at every trigger; the feed reads from the end once a job waits.
            Await.until("progress on partition 0", WAIT, () -> {
                send(producer, topic, 0, progressEvent("orders", "run-0"));
                return runs.contains("orders/run-0");
            });
            addPartition(topic);
            Await.until("progress on the partition added later", WAIT, () -> {
                send(producer, topic, 1, progressEvent("orders", "run-1"));
                return runs.contains("orders/run-1");
            });
            send(producer, topic, 1, progressEvent("shop", "run-2")); // not waited for
            send(producer, topic, 1, progressEvent("orders", "run-3"));
            Await.until("the next progress", WAIT, () -> runs.contains("orders/run-3"));
            assertThat(runs).noneMatch(run -> run.startsWith("shop/"));
        }
    }

    @Test
    void aTopicCreatedAfterTheStartIsReadOnceItExistsAndABadRecordIsSkipped() throws Exception {
        String topic = "late-" + UUID.randomUUID();
        Properties props = kafka();
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        try (BackgroundConsumer reading = new BackgroundConsumer("test-late-topic", topic, props, new BackgroundConsumer.Reader() {
            @Override
            public void added(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
            }

            @Override
            public void accept(ConsumerRecord<String, byte[]> record) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                if (value.equals("bad")) {
                    throw new IllegalArgumentException("unreadable");
                }
                read.add(value);
            }
        }, LOOKUP).start();
             KafkaProducer<String, byte[]> producer = producer()) {
            try (Admin admin = Admin.create(kafka())) {
                Await.until("a retry, with back-off, of the missing topic", WAIT, () -> reading.retries() >= 2);
                assertThat(admin.listTopics().names().get()).doesNotContain(topic);
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            send(producer, topic, 0, "bad");
            send(producer, topic, 0, "good");
            Await.until("the record after the bad one", WAIT, () -> read.contains("good"));
            assertThat(read).containsExactly("good");
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, int partition, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, "q-1", value.getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A progress event as the listener sends it, with only the fields the exporter requires. */
    private static String progressEvent(String job, String runId) {
        String now = Instant.now().toString();
        return "{\"version\":1,\"type\":\"progress\",\"eventId\":\"" + UUID.randomUUID() + "\",\"timestamp\":\"" + now
                + "\",\"emittedAt\":\"" + now + "\",\"app\":{\"id\":\"app-1\",\"job\":\"" + job + "\",\"tags\":{}},"
                + "\"query\":{\"id\":\"q-1\",\"runId\":\"" + runId + "\",\"name\":\"enrich\"},\"signals\":{\"batchId\":0}}";
    }
}
