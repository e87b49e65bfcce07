package io.streamops.listener;

import com.codahale.metrics.Gauge;
import io.streamops.listener.agent.Intake;
import io.streamops.listener.agent.StreamOpsAgent;
import io.streamops.listener.capture.Origin;
import io.streamops.listener.metrics.MetricsRegistries;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optional: {@code --conf spark.plugins=io.streamops.listener.StreamOpsPlugin} puts the listener's
 * metrics into Spark's own metrics system (source {@code plugin.io.streamops.listener.StreamOpsPlugin}),
 * so they reach whatever sinks the job has configured: JMX, Graphite, PrometheusServlet.
 *
 * <p>Spark calls it inside its own start-up, so it only registers the JVM's metric registry and asks
 * for the agent to be started on a thread of ours; the configuration is read there. Nothing it does
 * may fail the SparkContext: any error is logged and the job goes on without our metrics.
 */
public class StreamOpsPlugin implements SparkPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(StreamOpsPlugin.class);

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public void registerMetrics(String appId, PluginContext context) {
                try {
                    // Spark adds the plugin's metrics source only if its registry has a metric now, and
                    // the agent's meters come later: this one is there from the start.
                    context.metricRegistry().register("streamopsAgentRunning",
                            (Gauge<Integer>) () -> StreamOpsAgent.current() != null ? 1 : 0);
                    // A registry registered into another keeps it updated as meters come and go.
                    context.metricRegistry().register("streamops", MetricsRegistries.sharedDropwizard());
                    Intake.start(new Origin(context.conf()));
                } catch (RuntimeException | LinkageError e) {
                    LOG.error("streamops: the plugin could not register its metrics with Spark ({}); the job goes on without them",
                            e.toString());
                }
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return null;
    }
}
