package io.streamops.listener.agent;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.execution.streaming.ProcessingTimeTrigger;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.apache.spark.sql.streaming.Trigger;
import scala.Option;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;

/**
 * Finds a running query's {@code StreamExecution} by id, for the heartbeat.
 *
 * <p>Looks in the SparkContext-wide map of active queries that all sessions share
 * ({@code SharedState.activeStreamingQueries}), so queries of every session are found, not only those
 * of the default one. That map is Spark-internal and moves between versions: from 4.0 the session
 * class that has it is {@code classic.SparkSession}, and from 4.1 {@code StreamExecution} lives in
 * another package. So the internal accessors are looked up by name once per session class (once per
 * JVM in practice) and reached by reflection; the status itself is the public
 * {@link StreamingQuery#status()}. A version without them gives a null status, decided once.
 */
final class SparkQueries {
    private static final ClassValue<Method> SHARED_STATE = accessor("sharedState");
    private static final ClassValue<Method> ACTIVE_QUERIES = accessor("activeStreamingQueries");
    private static final ClassValue<Method> TRIGGER = accessor("trigger");

    private SparkQueries() {
    }

    /** The query's live status and trigger, or null if it cannot be reached. */
    static Observed observe(UUID queryId) {
        try {
            Object execution = find(queryId);
            if (!(execution instanceof StreamingQuery)) {
                return null;
            }
            Method trigger = TRIGGER.get(execution.getClass());
            Object t = trigger == null ? null : trigger.invoke(execution);
            return new Observed(((StreamingQuery) execution).status(), t instanceof Trigger ? triggerIntervalMs((Trigger) t) : null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Object find(UUID queryId) throws ReflectiveOperationException {
        Object found = find(SparkSession.getActiveSession(), queryId);
        return found != null ? found : find(SparkSession.getDefaultSession(), queryId);
    }

    private static Object find(Option<SparkSession> session, UUID queryId) throws ReflectiveOperationException {
        if (session == null || session.isEmpty()) {
            return null;
        }
        Object s = session.get();
        Method sharedState = SHARED_STATE.get(s.getClass());
        Object shared = sharedState == null ? null : sharedState.invoke(s);
        Method active = shared == null ? null : ACTIVE_QUERIES.get(shared.getClass());
        Object queries = active == null ? null : active.invoke(shared);
        return queries instanceof Map ? ((Map<?, ?>) queries).get(queryId) : null;
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
