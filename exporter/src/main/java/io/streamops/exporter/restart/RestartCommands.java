package io.streamops.exporter.restart;

import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Restart requests that arrive over HTTP ({@code POST /api/jobs/{job}/restart}, {@code POST /api/alertmanager})
 * at whichever instance a client reached, carried to the instance that owns the job: the receiving
 * instance writes a {@link Command} to this topic (keyed by job, acks=all) and answers; every instance
 * reads the topic, and only the owner of the job acts on it ({@link RestartInbox}). The non-owner's
 * journal may be stale, so it never decides itself. Each command has an id the journal remembers once it
 * is acted on, so a command read again (by the next owner after a take-over) is not acted on twice.
 */
public final class RestartCommands implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestartCommands.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One request.
     *
     * @param id          names it, so that it is acted on once
     * @param kind        {@link #MANUAL} (an operator's restart) or {@link #ALERT} (an Alertmanager alert)
     * @param fingerprint an alert's fingerprint ("" for a manual restart)
     * @param startsAt    an alert's start (null for a manual restart)
     * @param at          when it was received
     */
    public record Command(String id, String kind, RestartSubject subject, String alertname, String queryStatus,
                          String runId, String fingerprint, Instant startsAt, Instant at) {
        public static final String MANUAL = "manual";
        public static final String ALERT = "alert";

        public static Command manual(RestartSubject subject, Instant at) {
            return new Command(UUID.randomUUID().toString(), MANUAL, subject, "", "", "", "", null, at);
        }

        public static Command alert(AlertmanagerRestarts.Ask ask, Instant at) {
            return new Command(UUID.randomUUID().toString(), ALERT, ask.subject(), ask.alertname(), ask.queryStatus(),
                    ask.runId(), ask.fingerprint(), ask.startsAt(), at);
        }

        /** What the command tells the owner's controller. */
        public Observation observation() {
            if (MANUAL.equals(kind)) {
                return new Observation.ManualRestart(subject, "command:" + id, at);
            }
            String incident = Observation.incidentOf(fingerprint, startsAt);
            return new Observation.AlertFired(subject, alertname, queryStatus, runId,
                    incident.isEmpty() ? "command:" + id : incident, startsAt == null ? at : startsAt, at);
        }
    }

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<Command> sink;
    private final Thread thread;
    private volatile boolean running = true;

    private RestartCommands(String topic, Properties kafka, Consumer<Command> sink) {
        this.topic = topic;
        this.producer = KafkaRestartJournal.durableProducer(kafka);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.sink = sink;
        this.thread = new Thread(this::run, "streamops-restart-commands");
        this.thread.setDaemon(true);
    }

    /** The topic: commands matter for minutes, a day of them is kept for reading by hand. */
    public static NewTopic topic(String name, short replicationFactor) {
        return new NewTopic(name, 1, replicationFactor).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replicationFactor > 1 ? "2" : "1"));
    }

    /**
     * Reads {@code topic} from {@code lookBack} ago on (a command sent before this instance started may be
     * for a job it is about to own), handing each command to {@code sink} on its own thread.
     */
    public static RestartCommands start(String topic, Properties kafka, Duration lookBack, Clock clock, Consumer<Command> sink) {
        RestartCommands commands = new RestartCommands(topic, kafka, sink);
        try {
            List<TopicPartition> partitions = commands.consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            commands.consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, clock.millis() - lookBack.toMillis()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = commands.consumer.offsetsForTimes(from, Duration.ofSeconds(30));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp at = offsets.get(partition);
                if (at == null) {
                    commands.consumer.seekToEnd(List.of(partition));
                } else {
                    commands.consumer.seek(partition, at.offset());
                }
            }
        } catch (RuntimeException e) {
            commands.close();
            throw e;
        }
        commands.thread.start();
        return commands;
    }

    /** Hands the command to the owner: returns once the broker has it (acks=all). */
    public void send(Command command) throws Exception {
        producer.send(new ProducerRecord<>(topic, command.subject().job(), Json.MAPPER.writeValueAsBytes(command)))
                .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        sink.accept(Json.MAPPER.readValue(record.value(), Command.class));
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Skipping unreadable restart command at offset {}: {}", record.offset(), e.getMessage());
                    }
                }
            } catch (WakeupException | InterruptException e) {
                return; // closing
            } catch (RuntimeException e) {
                // A broker restarting must not end the reading: log, and poll again.
                LOG.warn("restart commands: reading {} failed ({}); retrying", topic, e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
