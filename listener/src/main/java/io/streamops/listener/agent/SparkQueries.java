package io.streamops.listener.agent;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.execution.streaming.ProcessingTimeTrigger;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds a running query's {@code StreamExecution} by id, for the heartbeat.
 *
 * <p>Looks in the SparkContext-wide map of active queries that all sessions share
 * ({@code SharedState.activeStreamingQueries}), so queries of every session are found, not only those
 * of the default one. That map is Spark-internal and moves between versions: from 4.0 the session
 * class that has it is {@code classic.SparkSession}, and from 4.1 {@code StreamExecution} lives in
 * another package. So the internal accessors are looked up by name once per session class (once per
 * JVM in practice) and reached by reflection; the status itself is the public
 * {@link StreamingQuery#status()}.
 *
 * <p>A Spark without those accessors (or with classes this jar cannot link) will not grow them later:
 * the first such failure is remembered and logged once, and every heartbeat after it carries no status
 * without trying again. A failure inside Spark's own accessor (a query stopping meanwhile) concerns
 * that heartbeat only.
 */
final class SparkQueries {
    private static final Logger LOG = LoggerFactory.getLogger(SparkQueries.class);
    private static final ClassValue<Method> SHARED_STATE = accessor("sharedState");
    private static final ClassValue<Method> ACTIVE_QUERIES = accessor("activeStreamingQueries");
    private static final ClassValue<Method> TRIGGER = accessor("trigger");
    /** The driver's: one per JVM, as the map of active queries is. */
    private static final SparkQueries DRIVER = new SparkQueries();

    private final AtomicReference<Throwable> unreachable = new AtomicReference<>();

    SparkQueries() {
    }

    /** The query's live status and trigger, or null if it cannot be reached. */
    static Observed observe(UUID queryId) {
        return DRIVER.observeIn(queryId, SparkSession.getActiveSession(), SparkSession.getDefaultSession());
    }

    /** The query's live status and trigger, looked up in the first of {@code sessions} that knows it. */
    Observed observeIn(UUID queryId, Option<?>... sessions) {
        if (unreachable.get() != null) {
            return null;
        }
        try {
            Object execution = null;
            for (Option<?> session : sessions) {
                execution = execution != null ? execution : find(session, queryId);
            }
            if (!(execution instanceof StreamingQuery)) {
                return null;
            }
            Method trigger = TRIGGER.get(execution.getClass());
            Object t = trigger == null ? null : trigger.invoke(execution);
            return new Observed(((StreamingQuery) execution).status(), t instanceof Trigger ? triggerIntervalMs((Trigger) t) : null);
        } catch (InvocationTargetException | RuntimeException e) {
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            giveUp(e);
            return null;
        }
    }

    /** What made this Spark's queries unreachable for good, or null while they are reachable. */
    Throwable unreachable() {
        return unreachable.get();
    }

    private Object find(Option<?> session, UUID queryId) throws ReflectiveOperationException {
        if (session == null || session.isEmpty()) {
            return null;
        }
        Object s = session.get();
        Object shared = invoke(SHARED_STATE, s, "sharedState");
        Object queries = invoke(ACTIVE_QUERIES, shared, "activeStreamingQueries");
        return queries instanceof Map ? ((Map<?, ?>) queries).get(queryId) : null;
    }

    private static Object invoke(ClassValue<Method> accessor, Object target, String name) throws ReflectiveOperationException {
        Method method = accessor.get(target.getClass());
        if (method == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
        }
        return method.invoke(target);
    }

    private void giveUp(Throwable cause) {
        if (unreachable.compareAndSet(null, cause)) {
            LOG.warn("streamops: this Spark's active queries cannot be reached ({}); heartbeats carry no status or trigger"
                    + " from now on", cause.toString());
        }
    }

    /** A public no-argument method by name, looked up once per class; null if that class has none. */
    private static ClassValue<Method> accessor(String name) {
        return new ClassValue<Method>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    return type.getMethod(name);
                } catch (NoSuchMethodException | SecurityException e) {
                    return null;
                }
            }
        };
    }

    /** ProcessingTime interval (0 = as fast as possible); null for one-shot triggers. */
    static Long triggerIntervalMs(Trigger trigger) {
        if (trigger instanceof ProcessingTimeTrigger) {
            return ((ProcessingTimeTrigger) trigger).intervalMs();
        }
        if (trigger instanceof ContinuousTrigger) {
            return ((ContinuousTrigger) trigger).intervalMs();
        }
        return null;
    }

    static final class Observed {
        final StreamingQueryStatus status;
        final Long triggerIntervalMs;

        Observed(StreamingQueryStatus status, Long triggerIntervalMs) {
            this.status = status;
            this.triggerIntervalMs = triggerIntervalMs;
        }
    }
}
