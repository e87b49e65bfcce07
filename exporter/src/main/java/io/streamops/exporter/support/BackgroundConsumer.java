package io.streamops.exporter.support;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every partition of one topic, read without a consumer group on a daemon thread of its own, for readers
 * that need all of a topic on every instance. The topic's partitions are looked up again every
 * {@code reassignEvery} (the consumer's metadata is kept that fresh), so partitions added to the topic
 * later are read too; the reader says where each new partition starts. A failure to read (the broker
 * away, the topic not there yet) is retried with growing back-off, and a reader's failure on one record
 * skips that record, logged: the reading ends only at {@link #close()}.
 */
public final class BackgroundConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundConsumer.class);
    public static final Duration REASSIGN_EVERY = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
    /** A broker restarting is back in seconds: retry soon, then every 10 s, not in a tight loop. */
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** What is done with the topic, on the reading thread. */
    public interface Reader {
        /**
         * Partitions read from now on: all of them at the start, then those added to the topic since. Seek
         * them here; otherwise the consumer's {@code auto.offset.reset} says where they start.
         */
        void added(Consumer<String, byte[]> consumer, List<TopicPartition> partitions);

        /** Before each poll: pause or resume partitions here. */
        default void beforePoll(Consumer<String, byte[]> consumer) {
        }

        /** One record; what it throws is logged and the record skipped. */
        void accept(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Reader reader;
    private final Duration reassignEvery;
    private final RetryPolicy<Object> retry;
    private final LogLimiter skipped = new LogLimiter(LOG);
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private long nextLookupNanos = System.nanoTime();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param threadName names the thread, and the reading in log lines
     * @param kafka      the consumer's settings (bootstrap servers, security, isolation level, offset reset);
     *                   auto commit is turned off, there being no group
     */
    public BackgroundConsumer(String threadName, String topic, Properties kafka, Reader reader) {
        this(threadName, topic, kafka, reader, REASSIGN_EVERY);
    }

    /** Looking the partitions up every {@code reassignEvery} (tests make it short). */
    public BackgroundConsumer(String threadName, String topic, Properties kafka, Reader reader, Duration reassignEvery) {
        this.topic = topic;
        this.reader = reader;
        this.reassignEvery = reassignEvery;
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(reassignEvery.toMillis()));
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.retry = RetryPolicy.builder()
                .abortOn(WakeupException.class, InterruptException.class) // closing
                .withBackoff(MIN_BACKOFF, MAX_BACKOFF)
                .withMaxRetries(-1)
                .onRetryScheduled(e -> {
                    retries.incrementAndGet();
                    LOG.warn("{}: reading {} failed ({}); retrying in {} ms", threadName, topic,
                            String.valueOf(e.getLastException()), e.getDelay().toMillis());
                })
                .build();
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public BackgroundConsumer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                Failsafe.with(retry).run(this::pollOnce);
            }
        } catch (WakeupException | InterruptException | FailsafeException e) {
            // closing (a FailsafeException: interrupted while waiting to retry)
        }
    }

    private void pollOnce() {
        if (System.nanoTime() - nextLookupNanos >= 0) {
            lookUpPartitions();
        }
        reader.beforePoll(consumer);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            try {
                reader.accept(record);
            } catch (Exception e) {
                skipped.warn(null, "{}: skipping the record at {}-{}@{}: {}", thread.getName(), record.topic(),
                        record.partition(), record.offset(), LogText.escaped(e.toString())); // may quote the record
            }
        }
    }

    /** Reads the partitions the topic has now (from the consumer's metadata) and assigns those not read yet. */
    private void lookUpPartitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, LOOKUP_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
        }
        List<TopicPartition> added = new ArrayList<>();
        for (PartitionInfo info : infos) {
            TopicPartition partition = new TopicPartition(topic, info.partition());
            if (!assigned.contains(partition)) {
                added.add(partition);
            }
        }
        if (!added.isEmpty()) {
            Set<TopicPartition> all = new HashSet<>(assigned);
            all.addAll(added);
            consumer.assign(all); // partitions read so far keep their positions and pauses
            reader.added(consumer, added);
            assigned.addAll(added); // only once the reader placed them: a failure above looks them up again
        }
        nextLookupNanos = System.nanoTime() + reassignEvery.toNanos();
    }

    /** How many times reading failed and was retried: tests wait for it instead of sleeping. */
    public long retries() {
        return retries.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        thread.interrupt(); // ends a wait between retries
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
