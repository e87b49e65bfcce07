package io.streamops.listener.agent;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.execution.streaming.ProcessingTimeTrigger;
import org.apache.spark.sql.execution.streaming.StreamExecution;
import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.apache.spark.sql.streaming.Trigger;
import scala.Option;

import java.util.UUID;

/**
 * Finds a running query's {@code StreamExecution} by id, for the heartbeat.
 *
 * <p>Looks in the SparkContext-wide map of active queries that all sessions share
 * ({@code SharedState.activeStreamingQueries}), so queries of every session are found, not only those
 * of the default one. That map is Spark-internal: any linkage problem on another Spark version makes
 * the heartbeat report a null status rather than fail.
 */
final class SparkQueries {
    private SparkQueries() {
    }

    /** The query's live status and trigger, or null if it cannot be reached. */
    static Observed observe(UUID queryId) {
        try {
            StreamExecution execution = find(queryId);
            if (execution == null) {
                return null;
            }
            return new Observed(execution.status(), triggerIntervalMs(execution.trigger()));
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static StreamExecution find(UUID queryId) {
        StreamExecution found = find(SparkSession.getActiveSession(), queryId);
        return found != null ? found : find(SparkSession.getDefaultSession(), queryId);
    }

    private static StreamExecution find(Option<SparkSession> session, UUID queryId) {
        if (session == null || session.isEmpty()) {
            return null;
        }
        return session.get().sharedState().activeStreamingQueries().get(queryId);
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
