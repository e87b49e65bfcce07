package io.streamops.listener;

import io.streamops.events.EventType;
import io.streamops.listener.agent.StreamOpsAgent;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.config.AppInfo;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streamops listener. Attach it with configuration alone:
 * {@code --conf spark.sql.streaming.streamingQueryListeners=io.streamops.listener.StreamOpsListener}.
 *
 * <p>Spark may construct this class several times in one JVM, so the constructor only keeps the
 * configuration; the shared {@link StreamOpsAgent} is obtained on the first event. Each callback
 * captures Spark's immutable event object with a timestamp and returns: {@code onQueryStarted} runs on
 * the query's own thread (its {@code start()} waits for us) and the others on Spark's shared listener
 * bus thread, whose backlog makes Spark drop events for every listener. Nothing thrown here reaches Spark.
 */
public class StreamOpsListener extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamOpsListener.class);

    private final SparkConf conf;
    private volatile Attachment attachment;

    /** Used by Spark when the class is named in {@code spark.sql.streaming.streamingQueryListeners}. */
    public StreamOpsListener(SparkConf conf) {
        this.conf = conf;
    }

    /** For {@code spark.streams().addListener(new StreamOpsListener())}: reads the running SparkConf. */
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
            Attachment a = attach();
            if (a.agent != null) {
                a.agent.capture(new CapturedEvent(type, event, System.currentTimeMillis(), a.app));
            }
        } catch (Throwable t) {
            // Never let our failure become the job's. Reached only on a bug or a broken configuration,
            // which attach() remembers, so this does not repeat per event.
            LOG.error("streamops: listener failed on a {} event; the query is unaffected", type.wireName(), t);
        }
    }

    private Attachment attach() {
        Attachment a = attachment;
        if (a == null) {
            synchronized (this) {
                a = attachment;
                if (a == null) {
                    a = Attachment.create(conf != null ? conf : SparkEnv.get().conf());
                    attachment = a;
                }
            }
        }
        return a;
    }

    /** The agent this listener feeds and the application it speaks for; agent null when disabled or misconfigured. */
    private static final class Attachment {
        final StreamOpsAgent agent;
        final AppInfo app;

        private Attachment(StreamOpsAgent agent, AppInfo app) {
            this.agent = agent;
            this.app = app;
        }

        static Attachment create(SparkConf conf) {
            try {
                ListenerConfig config = ListenerConfig.from(conf);
                if (!config.enabled()) {
                    LOG.info("streamops: disabled by {}enabled=false", ListenerConfig.PREFIX);
                    return new Attachment(null, null);
                }
                return new Attachment(StreamOpsAgent.obtain(config), AppInfo.from(conf, config));
            } catch (RuntimeException e) {
                LOG.error("streamops: invalid configuration, the listener is off for this session: {}", e.getMessage());
                return new Attachment(null, null);
            }
        }
    }
}
