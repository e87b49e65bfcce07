package io.streamops.exporter.restart;

import io.streamops.events.EventType;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The progress and idle events of the queries of jobs whose restart waits for them, read from the events
 * topic as the listener sent them: a restarted query's first progress is what proves the attempt (and a
 * restart by hand of a healthy job has no alert whose resolve could say so). The events topic is keyed
 * by query id and the job's owner is chosen by job, so the owner reads every partition itself, without a
 * consumer group. It reads only while a job it owns waits ({@code watched}); otherwise its partitions are
 * paused, and on resuming it starts from their end: what matters is progress after the attempt.
 */
public final class ProgressFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressFeed.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventParser parser;
    private final Supplier<Set<String>> watched;
    private final BiConsumer<String, Observation> sink;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param watched the jobs whose progress is wanted now (read before each poll)
     * @param sink    gets the job and a {@link Observation.ProgressMade} for each progress or idle event of them
     */
    public ProgressFeed(Properties kafka, String topic, EventParser parser, Supplier<Set<String>> watched,
                        BiConsumer<String, Observation> sink, Clock clock) {
        this.topic = topic;
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.parser = parser;
        this.watched = watched;
        this.sink = sink;
        this.clock = clock;
        this.thread = new Thread(this::run, "streamops-restart-progress");
        this.thread.setDaemon(true);
    }

    public ProgressFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean paused = true;
        boolean assigned = false;
        while (running) {
            try {
                if (!assigned) {
                    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.pause(partitions);
                    assigned = true;
                }
                Set<String> jobs = watched.get();
                if (jobs.isEmpty() && !paused) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                } else if (!jobs.isEmpty() && paused) {
                    consumer.seekToEnd(consumer.assignment());
                    consumer.resume(consumer.assignment());
                    paused = false;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    feed(record, jobs);
                }
            } catch (WakeupException | InterruptException e) {
                return; // closing
            } catch (RuntimeException e) {
                LOG.warn("restart progress: reading {} failed ({}); retrying", topic, e.toString());
            }
        }
    }

    private void feed(ConsumerRecord<String, byte[]> record, Set<String> jobs) {
        EventParser.Result parsed = parser.parse(record.value());
        if (!parsed.ok()) {
            return; // the query processor counts and reports bad events
        }
        QueryEvent event = parsed.event();
        if ((event.type() == EventType.PROGRESS || event.type() == EventType.IDLE) && jobs.contains(event.job())) {
            sink.accept(event.job(), new Observation.ProgressMade(event.queryId(), event.runId(), clock.instant()));
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
    }
}
