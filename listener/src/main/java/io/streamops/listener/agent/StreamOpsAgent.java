package io.streamops.listener.agent;

import io.streamops.events.EventType;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.EndedWithApplication;
import io.streamops.listener.capture.EventBuffer;
import io.streamops.listener.config.ListenerConfig;
import io.streamops.listener.metrics.ListenerHealth;
import io.streamops.listener.metrics.ListenerHealth.DropReason;
import io.streamops.listener.metrics.MetricsRegistries;
import io.streamops.listener.metrics.QueryMetrics;
import io.streamops.listener.publish.KafkaPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Everything the listener runs, once per JVM, and its life: built and started by {@link Intake} on a
 * thread of ours, stopped by a shutdown hook. Spark may build the listener class many times (once per
 * session, and again for a stateful query's cloned session), but there is one buffer, one
 * {@link Dispatcher} thread, one Kafka producer, one HTTP endpoint and one {@link Heartbeats} timer.
 */
public final class StreamOpsAgent {
    private static final Logger LOG = LoggerFactory.getLogger(StreamOpsAgent.class);

    private final ListenerConfig config;
    private final MetricsRegistries metrics = new MetricsRegistries();
    private final ListenerHealth health;
    private final EventBuffer<CapturedEvent> buffer;
    private final KafkaPublisher publisher;
    private final Dispatcher dispatcher;
    private final Heartbeats heartbeats;
    private final int prometheusPort;
    private final String startedOn = Thread.currentThread().getName();
    private volatile boolean capturing = true;

    /** Builds everything, slow parts included (producer, HTTP endpoint): never on Spark's threads. */
    StreamOpsAgent(ListenerConfig config) {
        this.config = config;
        this.health = new ListenerHealth(metrics.meters(), config.job());
        QueryMetrics queryMetrics = new QueryMetrics(metrics.meters(), config.job(), config.partitionMetrics());
        this.buffer = new EventBuffer<>(config.bufferCapacity(), c -> c.type().isLifecycle(),
                c -> health.dropped(c.type(), DropReason.BUFFER_FULL));
        health.buffer("capture", buffer::size, config.bufferCapacity());
        this.prometheusPort = serveMetrics();
        this.publisher = createPublisher();
        QueryRegistry registry = new QueryRegistry();
        this.dispatcher = new Dispatcher(buffer, registry, config, version(), queryMetrics, health, publisher);
        this.heartbeats = new Heartbeats(registry, health, config.heartbeatIntervalMs(), this::capture);
    }

    /** Starts the threads, once {@link Intake} has made this the JVM's agent. */
    void start() {
        dispatcher.start();
        heartbeats.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Intake.close(true), "streamops-shutdown"));
        } catch (IllegalStateException alreadyShuttingDown) {
            // The JVM is exiting already; nothing to flush into.
        }
    }

    /** The running agent, or null (not started yet, off, or shut down). */
    public static StreamOpsAgent current() {
        return Intake.agent();
    }

    /** Stops the JVM's agent (flushing within the configured timeout); the next event starts afresh. */
    public static void shutdown() {
        Intake.close(false);
    }

    private int serveMetrics() {
        if (config.prometheusPort() < 0) {
            return -1;
        }
        try {
            int port = metrics.serve(config.prometheusHost(), config.prometheusPort());
            LOG.info("streamops: Prometheus metrics on http://{}:{}/metrics", config.prometheusHost(), port);
            return port;
        } catch (Exception e) {
            LOG.error("streamops: cannot serve Prometheus metrics on {}:{} ({}); the job and event forwarding go on without it",
                    config.prometheusHost(), config.prometheusPort(), e.toString());
            return -1;
        }
    }

    private KafkaPublisher createPublisher() {
        if (config.bootstrapServers() == null) {
            LOG.warn("streamops: {}kafka.bootstrap.servers is not set; events are not forwarded to Kafka (metrics still are served)",
                    ListenerConfig.PREFIX);
            return null;
        }
        try {
            KafkaPublisher p = new KafkaPublisher(config.producerProperties(), config.topic(), config.outboxCapacity(), health);
            LOG.info("streamops: forwarding streaming query events to Kafka topic '{}' at {}", config.topic(),
                    config.bootstrapServers());
            return p;
        } catch (Exception e) {
            LOG.error("streamops: cannot create the Kafka producer from {}kafka.* ({}); events are not forwarded",
                    ListenerConfig.PREFIX, e.toString());
            return null;
        }
    }

    /** The hot path, on Spark's threads (through {@link Intake}): hand over and return. Never blocks, never throws. */
    void capture(CapturedEvent event) {
        if (capturing) {
            buffer.offer(event);
        } else {
            health.dropped(event.type(), DropReason.SHUTDOWN);
        }
    }

    /**
     * Stops within {@code shutdown.flush.timeout}. At JVM exit ({@code jvmExit}) Spark's own shutdown
     * hook runs beside ours: capture goes on while Spark stops (its listener bus hands over what it still
     * holds, such as the terminated event of a query that failed just before the exit; {@link Intake}
     * keeps this agent reachable until then), and every query still running then ended with the
     * application, so it gets a terminated
     * event (stopped) of ours: Spark stops its listener bus before the query's thread posts its own,
     * which is then lost. Only then does capture stop, drain and flush. Stopping capture first, with
     * no terminated event, made the exporter take those queries for lost drivers.
     */
    void close(boolean jvmExit) {
        long timeoutMs = config.shutdownFlushTimeoutMs();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        heartbeats.stop();
        try {
            if (jvmExit) {
                dispatcher.awaitQueriesEnded(deadline);
                long now = System.currentTimeMillis();
                for (QueryRegistry.TrackedQuery q : dispatcher.activeQueries()) {
                    capture(new CapturedEvent(EventType.TERMINATED, new EndedWithApplication(q.id, q.runId), now, q.origin));
                }
            }
            capturing = false;
            dispatcher.drainAndStop(deadline, remainingMs(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close(remainingMs(deadline));
        }
        metrics.close();
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
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

    /** The port the Prometheus endpoint bound, or -1. */
    public int prometheusPort() {
        return prometheusPort;
    }

    /** The name of the thread that built this agent: one of ours, never Spark's (what the tests check). */
    public String startedOn() {
        return startedOn;
    }
}
