package io.streamops.listener.metrics;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.dropwizard.DropwizardConfig;
import io.micrometer.core.instrument.dropwizard.DropwizardMeterRegistry;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;

import java.io.IOException;

/**
 * Where the driver's metrics go: each meter is defined once, against {@link #meters()}, and lands in
 * both a Prometheus registry (scraped over HTTP) and a Dropwizard {@link MetricRegistry} (the class
 * Spark's own metrics system uses, so {@code StreamOpsPlugin} can hand it to Spark's sinks).
 *
 * <p>The Dropwizard registry is one per JVM and exists before any agent: the plugin gives it to Spark
 * during Spark's start-up, without waiting for the agent, which is built later on a thread of ours.
 */
public final class MetricsRegistries implements AutoCloseable {
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final MetricRegistry SHARED_DROPWIZARD = new MetricRegistry();
    private final MetricRegistry dropwizard = SHARED_DROPWIZARD;
    private final DropwizardMeterRegistry dropwizardMeters;
    private final CompositeMeterRegistry composite = new CompositeMeterRegistry();
    private volatile HTTPServer server;

    public MetricsRegistries() {
        DropwizardConfig config = new DropwizardConfig() {
            @Override
            public String prefix() {
                return "dropwizard";
            }

            @Override
            public String get(String key) {
                return null;
            }
        };
        dropwizardMeters = new DropwizardMeterRegistry(config, dropwizard, HierarchicalNameMapper.DEFAULT, Clock.SYSTEM) {
            @Override
            protected Double nullGaugeValue() {
                return Double.NaN;
            }
        };
        composite.add(prometheus);
        composite.add(dropwizardMeters);
    }

    public MeterRegistry meters() {
        return composite;
    }

    public MetricRegistry dropwizard() {
        return dropwizard;
    }

    /** The JVM's Dropwizard registry, which every agent's meters land in (empty while none runs). */
    public static MetricRegistry sharedDropwizard() {
        return SHARED_DROPWIZARD;
    }

    /** The Prometheus text exposition, as the HTTP endpoint serves it. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** Starts the HTTP endpoint ({@code /metrics}); returns the port it bound. */
    public int serve(String host, int port) throws IOException {
        server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(prometheus.getPrometheusRegistry())
                .buildAndStart();
        return server.getPort();
    }

    @Override
    public void close() {
        HTTPServer s = server;
        if (s != null) {
            s.close();
        }
        composite.close();
        dropwizard.removeMatching(MetricFilter.ALL); // a later agent in this JVM registers the same names
    }
}
