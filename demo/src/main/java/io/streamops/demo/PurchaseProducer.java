package io.streamops.demo;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes purchases to {@code ingestion} at a steady rate (the demo's 100 per second) on its own thread,
 * keyed by purchase id, with an idempotent producer. {@link #surge} raises the rate for a while;
 * {@link #poison} sends the poison purchase next.
 */
final class PurchaseProducer implements AutoCloseable {
    static final String TOPIC = "ingestion";
    private static final long TICK_NANOS = Duration.ofMillis(10).toNanos();

    private final KafkaProducer<String, String> producer;
    private final PurchaseGenerator purchases;
    private final int baseRate;
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean poisonNext = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile int surgeRate;
    private volatile long surgeUntilNanos;
    private volatile boolean running = true;

    PurchaseProducer(String bootstrap, long seed, int ratePerSecond) {
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true",
                "linger.ms", "20"), new StringSerializer(), new StringSerializer());
        this.purchases = new PurchaseGenerator(seed);
        this.baseRate = ratePerSecond;
        this.thread = new Thread(this::run, "purchase-producer");
        this.thread.setDaemon(true);
    }

    PurchaseProducer start() {
        thread.start();
        return this;
    }

    /** Writes {@code ratePerSecond} purchases a second for {@code length}, then the base rate again. */
    void surge(int ratePerSecond, Duration length) {
        surgeRate = ratePerSecond;
        surgeUntilNanos = System.nanoTime() + length.toNanos();
    }

    void poison() {
        poisonNext.set(true);
    }

    long sent() {
        return sent.get();
    }

    int currentRate() {
        return System.nanoTime() < surgeUntilNanos ? surgeRate : baseRate;
    }

    private void run() {
        long start = System.nanoTime();
        double due = 0;
        long last = start;
        while (running) {
            long now = System.nanoTime();
            due += currentRate() * (now - last) / 1e9;
            last = now;
            while (due >= 1 && running) {
                PurchaseGenerator.Generated purchase = purchases.next(clock.instant(), poisonNext.getAndSet(false));
                producer.send(new ProducerRecord<>(TOPIC, purchase.id(), purchase.json()));
                sent.incrementAndGet();
                due -= 1;
            }
            LockSupport.parkNanos(TICK_NANOS); // pacing, not synchronisation
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
