package io.streamops.listener;

import io.streamops.events.EventType;
import io.streamops.listener.agent.Intake;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.Origin;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streamops listener. Attach it with configuration alone:
 * {@code --conf spark.sql.streaming.streamingQueryListeners=io.streamops.listener.StreamOpsListener}.
 *
 * <p>Each callback captures Spark's immutable event object with a timestamp, hands it to the
 * {@link Intake} and returns: {@code onQueryStarted} runs on the query's own thread (its
 * {@code start()} waits for us) and the others on Spark's shared listener bus thread, whose backlog
 * makes Spark drop events for every listener. So nothing slow or throwing runs here: the configuration
 * is read, the host name resolved and the agent built on our own threads. Spark may construct this
 * class several times in one JVM; each instance only keeps where its events come from.
 */
public class StreamOpsListener extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamOpsListener.class);

    private final Origin origin;

    /** Used by Spark when the class is named in {@code spark.sql.streaming.streamingQueryListeners}. */
    public StreamOpsListener(SparkConf conf) {
        this.origin = new Origin(conf);
    }

    /** For {@code spark.streams().addListener(new StreamOpsListener())}: reads the running SparkConf (on our thread). */
    public StreamOpsListener() {
        this(null);
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        capture(EventType.STARTED, event);
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        capture(EventType.PROGRESS, event);
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
        capture(EventType.IDLE, event);
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        capture(EventType.TERMINATED, event);
    }

    private void capture(EventType type, Object event) {
        try {
            Intake.offer(new CapturedEvent(type, event, System.currentTimeMillis(), origin));
        } catch (Throwable t) {
            // Never let our failure become the job's (reached only on a bug).
            LOG.error("streamops: listener failed on a {} event; the query is unaffected", type.wireName(), t);
        }
    }
}
