package io.streamops.exporter.restart;

import io.streamops.exporter.support.BackgroundConsumer;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.LogText;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
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
    private final BackgroundConsumer reading;

    private RestartCommands(String topic, Properties kafka, Duration lookBack, Clock clock, Consumer<Command> sink,
                            Duration reassignEvery) {
        this.topic = topic;
        this.producer = KafkaRestartJournal.durableProducer(kafka);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.reading = new BackgroundConsumer("streamops-restart-commands", topic, props, new BackgroundConsumer.Reader() {
            @Override
            public void added(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
                // The ends first, as offsets: a partition with nothing since lookBack starts at its end as it
                // was then, so a command written meanwhile is read (a lazy seekToEnd could land past it).
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                Map<TopicPartition, Long> from = new HashMap<>();
                partitions.forEach(p -> from.put(p, clock.millis() - lookBack.toMillis()));
                Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(from, Duration.ofSeconds(30));
                for (TopicPartition partition : partitions) {
                    OffsetAndTimestamp at = offsets.get(partition);
                    consumer.seek(partition, at == null ? ends.get(partition) : at.offset());
                }
            }

            @Override
            public void accept(ConsumerRecord<String, byte[]> record) {
                Command command;
                try {
                    command = Json.MAPPER.readValue(record.value(), Command.class);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Skipping unreadable restart command at offset {}: {}", record.offset(),
                            LogText.escaped(e.getMessage())); // the message may quote the record
                    return;
                }
                sink.accept(command);
            }
        }, reassignEvery);
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
        return start(topic, kafka, lookBack, clock, sink, BackgroundConsumer.REASSIGN_EVERY);
    }

    /** Looking for partitions added to the topic every {@code reassignEvery}. */
    static RestartCommands start(String topic, Properties kafka, Duration lookBack, Clock clock, Consumer<Command> sink,
                                 Duration reassignEvery) {
        RestartCommands commands = new RestartCommands(topic, kafka, lookBack, clock, sink, reassignEvery);
        commands.reading.start();
        return commands;
    }

    /** Hands the command to the owner: returns once the broker has it (acks=all). */
    public void send(Command command) throws Exception {
        producer.send(new ProducerRecord<>(topic, command.subject().job(), Json.MAPPER.writeValueAsBytes(command)))
                .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        reading.close();
        producer.close(Duration.ofSeconds(5));
    }
}
