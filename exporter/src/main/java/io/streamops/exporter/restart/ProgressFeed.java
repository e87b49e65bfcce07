package io.streamops.exporter.restart;

import io.streamops.events.EventType;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.support.BackgroundConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

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
 * restart by hand of a healthy job has no alert whose resolve could say so).
 *
 * <p>Why the feed reads the topic itself rather than hearing it from the Streams processor that already
 * decodes every event: that processor runs on the instance that owns the event's partition, and the
 * events topic is keyed by query id, while a job's restart owner is the instance that owns the job's
 * partition of the alerts topic (keyed by job). The two are different instances in general, so the owner
 * reads every partition of the events topic itself, without a consumer group. The cost is bounded: it reads
 * only while a job it owns waits ({@code watched}); otherwise its partitions are paused, and on resuming
 * it starts from their end (what matters is progress after the attempt, and a running query reports it at
 * every trigger), so it decodes at most the fleet's events during the waits, never the topic's history.
 */
public final class ProgressFeed implements AutoCloseable {
    private final EventParser parser;
    private final Supplier<Set<String>> watched;
    private final BiConsumer<String, Observation> sink;
    private final Clock clock;
    private final BackgroundConsumer reading;
    /** Read and written on the reading thread only. */
    private boolean paused = true;
    private Set<String> jobs = Set.of();

    /**
     * @param watched the jobs whose progress is wanted now (read before each poll)
     * @param sink    gets the job and a {@link Observation.ProgressMade} for each progress or idle event of them
     */
    public ProgressFeed(Properties kafka, String topic, EventParser parser, Supplier<Set<String>> watched,
                        BiConsumer<String, Observation> sink, Clock clock) {
        this(kafka, topic, parser, watched, sink, clock, BackgroundConsumer.REASSIGN_EVERY);
    }

    /** Looking for partitions added to the topic every {@code reassignEvery}. */
    ProgressFeed(Properties kafka, String topic, EventParser parser, Supplier<Set<String>> watched,
                 BiConsumer<String, Observation> sink, Clock clock, Duration reassignEvery) {
        this.parser = parser;
        this.watched = watched;
        this.sink = sink;
        this.clock = clock;
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.reading = new BackgroundConsumer("streamops-restart-progress", topic, props, new BackgroundConsumer.Reader() {
            @Override
            public void added(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
                if (paused) {
                    consumer.pause(partitions);
                } else {
                    consumer.seekToBeginning(partitions); // a partition new since the wait began holds only news
                }
            }

            @Override
            public void beforePoll(Consumer<String, byte[]> consumer) {
                follow(consumer);
            }

            @Override
            public void accept(ConsumerRecord<String, byte[]> record) {
                feed(record);
            }
        }, reassignEvery);
    }

    public ProgressFeed start() {
        reading.start();
        return this;
    }

    private void follow(Consumer<String, byte[]> consumer) {
        jobs = watched.get();
        if (jobs.isEmpty() && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!jobs.isEmpty() && paused) {
            consumer.seekToEnd(consumer.assignment());
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void feed(ConsumerRecord<String, byte[]> record) {
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
        reading.close();
    }
}
