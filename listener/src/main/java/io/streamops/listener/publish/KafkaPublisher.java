package io.streamops.listener.publish;

import io.streamops.events.EventType;
import io.streamops.listener.metrics.ListenerHealth;
import io.streamops.listener.metrics.ListenerHealth.DropReason;
import io.streamops.listener.publish.Outbox.Outgoing;
import io.streamops.listener.support.RateLimitedLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Sends encoded events to Kafka from its own thread, so a slow or absent broker costs Spark nothing.
 *
 * <p>Records wait in a bounded outbox that gives up telemetry before lifecycle events. A lifecycle
 * event that Kafka refuses or times out on goes back in its original place, ahead of newer events ({@link Outbox}), and is tried again
 * until shutdown; a failed telemetry event is counted and let go (the next one supersedes it). The
 * producer itself reconnects with back-off, so delivery resumes when the broker returns.
 */
public final class KafkaPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublisher.class);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Outbox outbox;
    private final ListenerHealth health;
    private final Thread sender;
    private final RateLimitedLog errors = new RateLimitedLog(LOG, 30_000);
    private volatile boolean running = true;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;

    public KafkaPublisher(Properties producerProperties, String topic, int outboxCapacity, ListenerHealth health) {
        this.topic = topic;
        this.health = health;
        Properties props = new Properties();
        props.putAll(producerProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // kafka-clients loads classes named in config through the thread's context loader; in a Spark
        // driver that loader may not see this jar, so pin it to ours for the constructor.
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(KafkaPublisher.class.getClassLoader());
        try {
            this.producer = new KafkaProducer<>(props);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        this.outbox = new Outbox(outboxCapacity, o -> health.dropped(o.type, DropReason.OUTBOX_FULL));
        health.buffer("outbox", outbox::size, outboxCapacity);
        this.sender = new Thread(this::sendLoop, "streamops-kafka-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** Never blocks. */
    public void publish(EventType type, String key, byte[] value, long capturedAtMillis) {
        outbox.add(new Outgoing(type, key, value, capturedAtMillis, 0));
    }

    private void sendLoop() {
        while (running || (outbox.size() > 0 && System.nanoTime() < drainDeadlineNanos)) {
            Outgoing next;
            try {
                next = outbox.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next != null) {
                if (next.attempt > 0) {
                    backOff(next.attempt);
                }
                send(next);
            }
        }
    }

    /** Waits before a retry, longer each time (up to 5 s), but never past shutdown. */
    private void backOff(int attempt) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(5_000L, 100L << Math.min(attempt, 6)));
        long until = System.nanoTime() + waitNanos;
        while (running && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, until - System.nanoTime());
        }
    }

    private void send(final Outgoing o) {
        try {
            producer.send(new ProducerRecord<>(topic, o.key, o.value), (metadata, error) -> {
                if (error == null) {
                    health.sent(o.type, o.capturedAtMillis);
                } else {
                    failed(o, error);
                }
            });
        } catch (RuntimeException e) {
            // Metadata or buffer space not available within max.block.ms: the broker is away.
            failed(o, e);
        }
    }

    private void failed(Outgoing o, Exception error) {
        health.failed(o.type);
        errors.warn("streamops: could not send a " + o.type.wireName() + " event to Kafka topic '" + topic
                + "' (" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")"
                + (o.type.isLifecycle() ? "; will retry" : "; dropped"));
        boolean retriable = error instanceof RetriableException;
        if (o.type.isLifecycle() && retriable && running) {
            outbox.retry(o);
        }
    }

    /**
     * Stops taking new work and gives queued events until {@code timeoutMs} to reach the broker, then
     * closes the producer without waiting further: an unreachable broker must not hold up the JVM.
     */
    @Override
    public void close() {
        close(0);
    }

    public void close(long timeoutMs) {
        long start = System.nanoTime();
        drainDeadlineNanos = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        running = false;
        try {
            sender.join(Math.max(1, timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = Math.max(0, timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        producer.close(Duration.ofMillis(left));
        sender.interrupt();
        Outgoing o;
        try {
            while ((o = outbox.poll(0, TimeUnit.MILLISECONDS)) != null) {
                health.dropped(o.type, DropReason.SHUTDOWN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
