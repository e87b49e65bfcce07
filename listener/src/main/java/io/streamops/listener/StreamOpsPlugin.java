package io.streamops.listener;

import io.streamops.listener.agent.StreamOpsAgent;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Optional: {@code --conf spark.plugins=io.streamops.listener.StreamOpsPlugin} puts the listener's
 * metrics into Spark's own metrics system (source {@code plugin.io.streamops.listener.StreamOpsPlugin}),
 * so they reach whatever sinks the job has configured: JMX, Graphite, PrometheusServlet.
 */
public class StreamOpsPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public void registerMetrics(String appId, PluginContext context) {
                ListenerConfig config = ListenerConfig.from(context.conf());
                if (config.enabled()) {
                    // A registry registered into another keeps it updated as meters come and go.
                    context.metricRegistry().register("streamops", StreamOpsAgent.obtain(config).metrics().dropwizard());
                }
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return null;
    }
}
