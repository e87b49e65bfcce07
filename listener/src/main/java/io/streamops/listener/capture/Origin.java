package io.streamops.listener.capture;

import io.streamops.events.AppIdentity;
import io.streamops.listener.config.AppInfo;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.SparkConf;

/**
 * Where an event came from: the SparkConf of the listener that captured it. Made on Spark's thread,
 * where it costs nothing; what it says about the application ({@link AppInfo}, which may have to ask
 * for the local host name) is worked out on our threads, once, the first time an event of it is read.
 */
public final class Origin {
    private final SparkConf conf;
    private volatile AppIdentity app;

    /** {@code conf} null: the running SparkContext's, looked up on our thread. */
    public Origin(SparkConf conf) {
        this.conf = conf;
    }

    /**
     * The application this origin speaks for, with the agent's job and tags, as its events carry it
     * (made once per origin, not per event). Never on Spark's threads.
     */
    public AppIdentity app(ListenerConfig config, String listenerVersion) {
        AppIdentity a = app;
        if (a == null) {
            a = AppInfo.from(conf(), config).identity(listenerVersion);
            app = a;
        }
        return a;
    }

    /** The SparkConf: the listener's own, or the running SparkContext's. */
    public SparkConf conf() {
        return conf != null ? conf : org.apache.spark.SparkEnv.get().conf();
    }
}
