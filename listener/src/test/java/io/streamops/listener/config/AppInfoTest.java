package io.streamops.listener.config;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Which host an event names, and when the local host name is looked up for it (issue 7, finding 7). */
class AppInfoTest {
    private final Supplier<String> original = AppInfo.localHostName;
    private final AtomicInteger lookups = new AtomicInteger();

    @AfterEach
    void restore() {
        AppInfo.localHostName = original;
    }

    private void countLookups() {
        AppInfo.localHostName = () -> {
            lookups.incrementAndGet();
            return "looked-up-host";
        };
    }

    @Test
    void theLocalHostNameIsNotLookedUpWhenSparkDriverHostIsSet() {
        countLookups();
        SparkConf conf = new SparkConf(false).setAppName("orders").set("spark.driver.host", "10.1.2.3");

        AppInfo app = AppInfo.from(conf, ListenerConfig.from(conf));

        assertThat(app.host()).isEqualTo("10.1.2.3");
        assertThat(lookups).as("local host name lookups").hasValue(0);
    }

    @Test
    void theLocalHostNameIsLookedUpWhenSparkDriverHostIsNotSet() {
        countLookups();
        SparkConf conf = new SparkConf(false).setAppName("orders");

        assertThat(AppInfo.from(conf, ListenerConfig.from(conf)).host()).isEqualTo("looked-up-host");
        assertThat(lookups).hasValue(1);
    }
}
