package io.streamops.listener.agent;

import io.streamops.events.EventType;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.EventBuffer;
import io.streamops.listener.capture.Origin;
import io.streamops.listener.config.ListenerConfig;
import io.streamops.listener.metrics.ListenerHealth.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where Spark's threads hand events over, once per JVM. A callback only enqueues: it never reads the
 * configuration, resolves a host name or builds anything. The first event (or the plugin) starts the
 * {@link StreamOpsAgent} on a thread of ours ({@code streamops-start}); events that come before the
 * agent is up wait here, in a bounded buffer, and go to the agent in order once it is. A configuration
 * that is bad or turns the listener off is found on that thread, logged there, and leaves the intake
 * discarding events.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    /** Events that may wait for the agent to come up (about a second of a busy driver). */
    static final int EARLY_CAPACITY = 10_000;

    private static final Object LOCK = new Object();
    private static volatile StreamOpsAgent agent;
    /** Set when there will be no agent: configuration bad or disabled, or the JVM is exiting. */
    private static volatile boolean off;
    // Guarded by LOCK.
    private static boolean starting;
    private static int generation;
    /** The agent closing at JVM exit: still {@link #agent} (it captures while closing), not closed twice. */
    private static StreamOpsAgent closingForGood;
    private static final Map<EventType, Long> earlyDropped = new EnumMap<>(EventType.class);
    private static EventBuffer<CapturedEvent> early = newEarlyBuffer();

    private Intake() {
    }

    private static EventBuffer<CapturedEvent> newEarlyBuffer() {
        return new EventBuffer<>(EARLY_CAPACITY, c -> c.type().isLifecycle(), c -> earlyDropped.merge(c.type(), 1L, Long::sum));
    }

    /** On Spark's threads: hand over and return. Never blocks on set-up, never throws for a bad setting. */
    public static void offer(CapturedEvent event) {
        StreamOpsAgent a = agent;
        if (a == null) {
            if (off) {
                return;
            }
            synchronized (LOCK) {
                a = agent;
                if (a == null) {
                    if (!off) {
                        early.offer(event);
                        startOnce(event.origin());
                    }
                    return;
                }
            }
        }
        a.capture(event);
    }

    /** Starts the agent without waiting for an event (the plugin, at Spark's start-up). Returns at once. */
    public static void start(Origin origin) {
        if (agent != null || off) {
            return;
        }
        synchronized (LOCK) {
            if (agent == null && !off) {
                startOnce(origin);
            }
        }
    }

    private static void startOnce(Origin origin) {
        if (starting) {
            return;
        }
        starting = true;
        final int mine = generation;
        Thread t = new Thread(() -> build(origin, mine), "streamops-start");
        t.setDaemon(true);
        t.start();
    }

    /** Our thread: read the configuration, build and start the agent, then let the early events through. */
    private static void build(Origin origin, int forGeneration) {
        StreamOpsAgent built = null;
        try {
            ListenerConfig config = ListenerConfig.from(origin.conf());
            if (config.enabled()) {
                built = new StreamOpsAgent(config);
            } else {
                LOG.info("streamops: disabled by {}enabled=false", ListenerConfig.PREFIX);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.error("streamops: invalid configuration, the listener is off (the job is unaffected): {}", e.getMessage());
        }
        boolean stale;
        synchronized (LOCK) {
            stale = forGeneration != generation;
            if (!stale) {
                if (built == null) {
                    off = true;
                    early = newEarlyBuffer();
                } else {
                    handOver(built);
                    agent = built;
                }
            }
        }
        if (built != null) {
            built.start();
            if (stale) {
                built.close(false); // shut down while it was being built
            }
        }
    }

    /** The early events, in order, and a count of any the early buffer had to give up. Holds LOCK. */
    private static void handOver(StreamOpsAgent to) {
        CapturedEvent e;
        try {
            while ((e = early.poll(0, TimeUnit.MILLISECONDS)) != null) {
                to.capture(e);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Map.Entry<EventType, Long> dropped : earlyDropped.entrySet()) {
            for (long i = 0; i < dropped.getValue(); i++) {
                to.health().dropped(dropped.getKey(), DropReason.BUFFER_FULL);
            }
        }
        earlyDropped.clear();
    }

    /** The running agent, or null (not started yet, off, or shut down). */
    static StreamOpsAgent agent() {
        return agent;
    }

    /**
     * Stops the agent, flushing within its timeout. {@code forGood} (JVM exit): nothing starts again,
     * and events still reach the closing agent; otherwise the next event starts a fresh agent.
     */
    static void close(boolean forGood) {
        StreamOpsAgent a;
        synchronized (LOCK) {
            a = agent == closingForGood ? null : agent;
            if (!forGood) {
                agent = null;
            } else if (a != null) {
                closingForGood = a;
            }
            generation++;
            starting = false;
            off = forGood || closingForGood != null;
            early = newEarlyBuffer();
            earlyDropped.clear();
        }
        if (a != null) {
            a.close(forGood);
        }
        if (forGood && a != null) {
            // At JVM exit the agent stays reachable while it closes: Spark's shutdown hook, beside ours,
            // delivers what its listener bus still holds (a failed query's terminated event among them),
            // and the agent captures it until it stops capturing. Taking the agent away first dropped
            // those events, and the queries were then reported as stopped with the application.
            synchronized (LOCK) {
                if (agent == a) {
                    agent = null;
                }
                closingForGood = null;
            }
        }
    }
}
