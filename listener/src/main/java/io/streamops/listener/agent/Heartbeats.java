package io.streamops.listener.agent;

import io.streamops.events.EventType;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.HeartbeatSnapshot;
import io.streamops.listener.metrics.ListenerHealth;
import io.streamops.listener.support.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The heartbeat timer: every {@code heartbeat.interval}, reads each running query's status and queues a
 * heartbeat for it, so that the exporter can tell a quiet query from a lost driver.
 */
final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final QueryRegistry registry;
    private final ListenerHealth health;
    private final Consumer<CapturedEvent> capture;
    private final long intervalMs;
    private final AtomicLong sequence = new AtomicLong();
    private final RateLimitedLog errors = new RateLimitedLog(LOG, 30_000);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamops-heartbeat");
        t.setDaemon(true);
        return t;
    });

    Heartbeats(QueryRegistry registry, ListenerHealth health, long intervalMs, Consumer<CapturedEvent> capture) {
        this.registry = registry;
        this.health = health;
        this.intervalMs = intervalMs;
        this.capture = capture;
    }

    void start() {
        timer.scheduleAtFixedRate(this::beat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    private void beat() {
        try {
            long dropped = (long) health.droppedTotal();
            for (QueryRegistry.TrackedQuery q : registry.active()) {
                SparkQueries.Observed observed = SparkQueries.observe(q.id);
                HeartbeatSnapshot snapshot = observed == null
                        ? new HeartbeatSnapshot(q.id, q.runId, sequence.getAndIncrement(), null, null, null, null, dropped, intervalMs)
                        : new HeartbeatSnapshot(q.id, q.runId, sequence.getAndIncrement(),
                        observed.status.message(), observed.status.isDataAvailable(), observed.status.isTriggerActive(),
                        observed.triggerIntervalMs, dropped, intervalMs);
                capture.accept(new CapturedEvent(EventType.HEARTBEAT, snapshot, System.currentTimeMillis(), q.origin));
            }
        } catch (RuntimeException | LinkageError e) {
            errors.warn("streamops: heartbeat failed: " + e);
        }
    }
}
