package io.streamops.listener.agent;

import io.streamops.events.EventCodec;
import io.streamops.events.EventType;
import io.streamops.events.ProgressEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.EndedWithApplication;
import io.streamops.listener.capture.EventBuffer;
import io.streamops.listener.capture.ObservedEvent;
import io.streamops.listener.capture.SparkEventReader;
import io.streamops.listener.config.ListenerConfig;
import io.streamops.listener.metrics.ListenerHealth;
import io.streamops.listener.metrics.ListenerHealth.DropReason;
import io.streamops.listener.metrics.QueryMetrics;
import io.streamops.listener.publish.KafkaPublisher;
import io.streamops.listener.support.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher thread: takes each captured event from the buffer, reads it ({@link SparkEventReader}),
 * remembers its query ({@link QueryRegistry}), updates the driver metrics ({@link QueryMetrics}), writes
 * it ({@link EventCodec}, the contract's one codec) and hands it to the {@link KafkaPublisher}, whose own
 * thread talks to the broker.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final EventBuffer<CapturedEvent> buffer;
    private final QueryRegistry registry;
    private final SparkEventReader reader;
    private final EventCodec codec = new EventCodec();
    private final QueryMetrics queryMetrics;
    private final ListenerHealth health;
    private final KafkaPublisher publisher;
    private final long terminatedGraceMs;
    /** Event ids handled lately; the value says whether it was our stand-in terminated event. */
    private final Map<String, Boolean> recentEventIds = new LinkedHashMap<String, Boolean>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };
    private final RateLimitedLog errors = new RateLimitedLog(LOG, 30_000);
    /** Told after every event handled, so that shutdown can wait for the queries to end. */
    private final Object handled = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;
    private long nextExpiryMillis;

    /** {@code publisher} null: events are not forwarded (metrics still are kept). */
    Dispatcher(EventBuffer<CapturedEvent> buffer, QueryRegistry registry, ListenerConfig config, String listenerVersion,
               QueryMetrics queryMetrics, ListenerHealth health, KafkaPublisher publisher) {
        this.buffer = buffer;
        this.registry = registry;
        this.reader = new SparkEventReader(registry, config, listenerVersion);
        this.queryMetrics = queryMetrics;
        this.health = health;
        this.publisher = publisher;
        this.terminatedGraceMs = config.terminatedGraceMs();
        this.thread = new Thread(this::run, "streamops-dispatcher");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running || (buffer.size() > 0 && System.nanoTime() < drainDeadlineNanos)) {
            CapturedEvent next;
            try {
                next = buffer.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next != null) {
                dispatch(next);
                synchronized (handled) {
                    handled.notifyAll();
                }
            }
            long now = System.currentTimeMillis();
            if (now >= nextExpiryMillis) {
                // A scan of every tracked query: once a second, not once per event.
                nextExpiryMillis = now + 1_000;
                for (QueryRegistry.TrackedQuery expired : registry.expire(now, terminatedGraceMs)) {
                    queryMetrics.remove(expired.id);
                }
            }
        }
    }

    /**
     * Waits until everything captured is handled and either no query this JVM runs is still active or
     * the SparkContext has finished stopping, or the deadline passes: at JVM exit Spark's own shutdown
     * hook runs beside ours, and what its listener bus still holds reaches us while it stops.
     */
    void awaitQueriesEnded(long deadlineNanos) throws InterruptedException {
        synchronized (handled) {
            while ((registry.anyActive() && !sparkContextStopped()) || buffer.size() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(handled, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /**
     * Whether the SparkContext has finished stopping (Spark clears SparkEnv last): its listener bus is
     * drained and stopped, so no more events of Spark's will come.
     */
    private static boolean sparkContextStopped() {
        try {
            return org.apache.spark.SparkEnv.get() == null;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    /** Queries this JVM has seen start and not end. */
    java.util.List<QueryRegistry.TrackedQuery> activeQueries() {
        return registry.active();
    }

    /** Handles what is still buffered until the deadline, then stops. */
    void drainAndStop(long deadlineNanos, long timeoutMs) throws InterruptedException {
        drainDeadlineNanos = deadlineNanos;
        running = false;
        thread.join(Math.max(1, timeoutMs));
        thread.interrupt();
    }

    private void dispatch(CapturedEvent captured) {
        ObservedEvent event;
        try {
            event = reader.read(captured);
        } catch (Exception | LinkageError e) {
            health.dropped(captured.type(), DropReason.UNREADABLE);
            errors.warn("streamops: could not read a " + captured.type().wireName() + " event: " + e);
            return;
        }
        boolean endedWithApplication = captured.payload() instanceof EndedWithApplication;
        Boolean seen = recentEventIds.put(event.event.eventId(), endedWithApplication);
        if (seen != null && !(Boolean.TRUE.equals(seen) && failed(event))) {
            // The same Spark event delivered twice (a listener registered twice), or the terminated event
            // we stand in with at JVM exit for a run whose own came first: publish once.
            return;
        }
        // Otherwise: new, or Spark's own failed terminated event after our stand-in (Spark's stop outlasted
        // shutdown.flush.timeout): the failure goes out as well, as the later word on that run.
        track(event, captured);
        try {
            queryMetrics.record(event);
        } catch (RuntimeException e) {
            errors.warn("streamops: could not update metrics for query " + event.queryId + ": " + e);
        }
        if (publisher == null) {
            return;
        }
        try {
            publisher.publish(event.type(), event.event.query().id(), codec.write(event.event), event.capturedAtMillis);
        } catch (RuntimeException e) {
            health.dropped(event.type(), DropReason.UNREADABLE);
            errors.warn("streamops: could not write " + event.event + " of query " + event.queryId + ": " + e);
        }
    }

    private static boolean failed(ObservedEvent e) {
        return e.event instanceof TerminatedEvent
                && ((TerminatedEvent) e.event).termination().outcome() == Termination.Outcome.FAILED;
    }

    private void track(ObservedEvent e, CapturedEvent captured) {
        QueryRegistry.TrackedQuery q = registry.get(e.queryId);
        boolean sameRun = q != null && q.runId.equals(e.runId);
        switch (e.type()) {
            case STARTED:
                registry.started(e.queryId, e.runId, e.queryName(), captured.origin(), e.capturedAtMillis);
                break;
            case PROGRESS:
            case IDLE:
                if (!sameRun) {
                    // A run whose start we did not see (the agent came up mid-run): track it from here.
                    q = registry.started(e.queryId, e.runId, e.queryName(), captured.origin(), e.capturedAtMillis);
                }
                if (e.type() == EventType.PROGRESS) {
                    q.lastProgressAtMillis = e.capturedAtMillis;
                    q.lastBatchId = ((ProgressEvent) e.event).signals().batchId();
                }
                break;
            case TERMINATED:
                if (sameRun) {
                    q.terminatedAtMillis = e.capturedAtMillis;
                }
                break;
            default:
                break;
        }
    }
}
