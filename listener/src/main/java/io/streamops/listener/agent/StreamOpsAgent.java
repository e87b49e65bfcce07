package io.streamops.listener.agent;

import io.streamops.events.EventType;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.EventBuffer;
import io.streamops.listener.capture.HeartbeatSnapshot;
import io.streamops.listener.capture.ObservedEvent;
import io.streamops.listener.capture.SparkEventReader;
import io.streamops.listener.config.ListenerConfig;
import io.streamops.listener.encode.EventEncoder;
import io.streamops.listener.metrics.ListenerHealth;
import io.streamops.listener.metrics.ListenerHealth.DropReason;
import io.streamops.listener.metrics.MetricsRegistries;
import io.streamops.listener.metrics.QueryMetrics;
import io.streamops.listener.publish.KafkaPublisher;
import io.streamops.listener.support.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the listener runs, once per JVM: Spark may build the listener class many times (once per
 * session, and again for a stateful query's cloned session), but there is one buffer, one dispatcher
 * thread, one Kafka producer, one HTTP endpoint and one heartbeat timer. The first listener or plugin
 * to ask creates it, with its configuration.
 *
 * <p>Flow: a callback {@link #capture captures} Spark's event into the buffer and returns. The
 * dispatcher thread reads it ({@link SparkEventReader}), updates the driver metrics
 * ({@link QueryMetrics}), encodes it ({@link EventEncoder}) and hands it to the {@link KafkaPublisher},
 * whose own thread talks to the broker.
 */
public final class StreamOpsAgent {
    private static final Logger LOG = LoggerFactory.getLogger(StreamOpsAgent.class);
    private static final Object LOCK = new Object();
    private static StreamOpsAgent shared;

    private final ListenerConfig config;
    private final MetricsRegistries metrics = new MetricsRegistries();
    private final ListenerHealth health;
    private final QueryMetrics queryMetrics;
    private final EventBuffer<CapturedEvent> buffer;
    private final QueryRegistry registry = new QueryRegistry();
    private final SparkEventReader reader = new SparkEventReader(registry);
    private final EventEncoder encoder = new EventEncoder(version());
    private final Map<String, Boolean> recentEventIds = new LinkedHashMap<String, Boolean>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };
    private final RateLimitedLog errors = new RateLimitedLog(LOG, 30_000);
    private final AtomicLong heartbeatSequence = new AtomicLong();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread dispatcher;
    private final ScheduledExecutorService heartbeat;
    private volatile KafkaPublisher publisher;
    private volatile int prometheusPort = -1;
    private volatile boolean running = true;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;
    private long nextExpiryMillis;

    private StreamOpsAgent(ListenerConfig config) {
        this.config = config;
        this.health = new ListenerHealth(metrics.meters(), config.job());
        this.queryMetrics = new QueryMetrics(metrics.meters(), config.job(), config.partitionMetrics());
        this.buffer = new EventBuffer<>(config.bufferCapacity(), c -> c.type().isLifecycle(),
                c -> health.dropped(c.type(), DropReason.BUFFER_FULL));
        health.buffer("capture", buffer::size, config.bufferCapacity());
        dispatcher = new Thread(this::run, "streamops-dispatcher");
        dispatcher.setDaemon(true);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamops-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** The JVM's agent, created and started by the first caller. Cheap after that. */
    public static StreamOpsAgent obtain(ListenerConfig config) {
        synchronized (LOCK) {
            if (shared == null) {
                StreamOpsAgent agent = new StreamOpsAgent(config);
                agent.start();
                shared = agent;
            }
            return shared;
        }
    }

    /** The running agent, or null. */
    public static StreamOpsAgent current() {
        synchronized (LOCK) {
            return shared;
        }
    }

    /** Stops the JVM's agent (flushing within the configured timeout); the next {@link #obtain} starts afresh. */
    public static void shutdown() {
        StreamOpsAgent agent;
        synchronized (LOCK) {
            agent = shared;
            shared = null;
        }
        if (agent != null) {
            agent.close();
        }
    }

    private void start() {
        dispatcher.start();
        heartbeat.scheduleAtFixedRate(this::heartbeat, config.heartbeatIntervalMs(), config.heartbeatIntervalMs(),
                TimeUnit.MILLISECONDS);
        Thread hook = new Thread(StreamOpsAgent::shutdown, "streamops-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The JVM is exiting already; nothing to flush into.
        }
    }

    /** The hot path, on Spark's threads: hand over and return. Never blocks, never throws. */
    public void capture(CapturedEvent event) {
        if (running) {
            buffer.offer(event);
        } else {
            health.dropped(event.type(), DropReason.SHUTDOWN);
        }
    }

    /** The dispatcher thread: slow set-up first (producer, HTTP), so that no Spark thread pays for it. */
    private void run() {
        try {
            startEndpoints();
        } finally {
            ready.countDown();
        }
        while (running || (buffer.size() > 0 && System.nanoTime() < drainDeadlineNanos)) {
            CapturedEvent next;
            try {
                next = buffer.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next != null) {
                dispatch(next);
            }
            long now = System.currentTimeMillis();
            if (now >= nextExpiryMillis) {
                // A scan of every tracked query: once a second, not once per event.
                nextExpiryMillis = now + 1_000;
                for (QueryRegistry.TrackedQuery expired : registry.expire(now, config.terminatedGraceMs())) {
                    queryMetrics.remove(expired.id);
                }
            }
        }
    }

    private void startEndpoints() {
        if (config.prometheusPort() >= 0) {
            try {
                prometheusPort = metrics.serve(config.prometheusHost(), config.prometheusPort());
                LOG.info("streamops: Prometheus metrics on http://{}:{}/metrics", config.prometheusHost(), prometheusPort);
            } catch (Exception e) {
                LOG.error("streamops: cannot serve Prometheus metrics on {}:{} ({}); the job and event forwarding go on without it",
                        config.prometheusHost(), config.prometheusPort(), e.toString());
            }
        }
        if (config.bootstrapServers() == null) {
            LOG.warn("streamops: {}kafka.bootstrap.servers is not set; events are not forwarded to Kafka (metrics still are served)",
                    ListenerConfig.PREFIX);
            return;
        }
        try {
            publisher = new KafkaPublisher(config.producerProperties(), config.topic(), config.outboxCapacity(), health);
            LOG.info("streamops: forwarding streaming query events to Kafka topic '{}' at {}", config.topic(),
                    config.bootstrapServers());
        } catch (Exception e) {
            LOG.error("streamops: cannot create the Kafka producer from {}kafka.* ({}); events are not forwarded",
                    ListenerConfig.PREFIX, e.toString());
        }
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
        if (recentEventIds.put(event.eventId, Boolean.TRUE) != null) {
            return; // The same Spark event delivered twice (a listener registered twice): publish once.
        }
        track(event);
        try {
            queryMetrics.record(event);
        } catch (RuntimeException e) {
            errors.warn("streamops: could not update metrics for query " + event.queryId + ": " + e);
        }
        KafkaPublisher out = publisher;
        if (out == null) {
            return;
        }
        try {
            out.publish(event.type, event.queryId.toString(), encoder.encode(event, System.currentTimeMillis()),
                    event.capturedAtMillis);
        } catch (Exception e) {
            health.dropped(event.type, DropReason.UNREADABLE);
            errors.warn("streamops: could not encode a " + event.type.wireName() + " event: " + e);
        }
    }

    private void track(ObservedEvent e) {
        QueryRegistry.TrackedQuery q = registry.get(e.queryId);
        boolean sameRun = q != null && q.runId.equals(e.runId);
        switch (e.type) {
            case STARTED:
                registry.started(e.queryId, e.runId, e.queryName, e.app, e.capturedAtMillis);
                break;
            case PROGRESS:
            case IDLE:
                if (!sameRun) {
                    // A run whose start we did not see (the agent came up mid-run): track it from here.
                    q = registry.started(e.queryId, e.runId, e.queryName, e.app, e.capturedAtMillis);
                }
                if (e.type == EventType.PROGRESS) {
                    q.lastProgressAtMillis = e.capturedAtMillis;
                    q.lastBatchId = e.signals.batchId();
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

    /** On the heartbeat timer's thread: read each running query's status and queue a heartbeat. */
    private void heartbeat() {
        try {
            long dropped = (long) health.droppedTotal();
            for (QueryRegistry.TrackedQuery q : registry.active()) {
                SparkQueries.Observed observed = SparkQueries.observe(q.id);
                HeartbeatSnapshot snapshot = observed == null
                        ? new HeartbeatSnapshot(q.id, q.runId, heartbeatSequence.getAndIncrement(), null, null, null, null, dropped)
                        : new HeartbeatSnapshot(q.id, q.runId, heartbeatSequence.getAndIncrement(),
                        observed.status.message(), observed.status.isDataAvailable(), observed.status.isTriggerActive(),
                        observed.triggerIntervalMs, dropped);
                capture(new CapturedEvent(EventType.HEARTBEAT, snapshot, System.currentTimeMillis(), q.app));
            }
        } catch (RuntimeException | LinkageError e) {
            errors.warn("streamops: heartbeat failed: " + e);
        }
    }

    private void close() {
        long timeoutMs = config.shutdownFlushTimeoutMs();
        long start = System.nanoTime();
        heartbeat.shutdownNow();
        try {
            ready.await(timeoutMs, TimeUnit.MILLISECONDS);
            drainDeadlineNanos = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            running = false;
            dispatcher.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.interrupt();
        KafkaPublisher out = publisher;
        if (out != null) {
            out.close(Math.max(0, timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
        metrics.close();
    }

    static String version() {
        String v = StreamOpsAgent.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    public MetricsRegistries metrics() {
        return metrics;
    }

    public ListenerHealth health() {
        return health;
    }

    /** The port the Prometheus endpoint bound (after start-up), or -1. */
    public int prometheusPort() throws InterruptedException {
        ready.await(30, TimeUnit.SECONDS);
        return prometheusPort;
    }
}
