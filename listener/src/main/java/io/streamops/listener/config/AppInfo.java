package io.streamops.listener.config;

import io.streamops.events.AppIdentity;
import org.apache.spark.SparkConf;
import scala.Option;

import java.net.InetAddress;
import java.util.Map;
import java.util.function.Supplier;

/** Who is reporting: the Spark application and job an event belongs to. Immutable. */
public final class AppInfo {
    /**
     * How the local host name is found when {@code spark.driver.host} is not set. A lookup can take
     * seconds (DNS), so it runs only on our threads; tests swap it to see where and whether it runs.
     */
    static volatile Supplier<String> localHostName = AppInfo::resolveLocalHostName;

    private final String appId;
    private final String appName;
    private final String job;
    private final String host;
    private final String sparkVersion;
    private final Map<String, String> tags;

    public AppInfo(String appId, String appName, String job, String host, String sparkVersion, Map<String, String> tags) {
        this.appId = appId;
        this.appName = appName;
        this.job = job;
        this.host = host;
        this.sparkVersion = sparkVersion;
        this.tags = tags;
    }

    /** Asks for the local host name only when {@code spark.driver.host} is not set. Not for Spark's threads. */
    public static AppInfo from(SparkConf conf, ListenerConfig config) {
        Option<String> driverHost = conf.getOption("spark.driver.host");
        return new AppInfo(
                conf.get("spark.app.id", "unknown"),
                conf.get("spark.app.name", "unknown"),
                config.job(),
                driverHost.isDefined() ? driverHost.get() : localHostName.get(),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                config.tags());
    }

    private static String resolveLocalHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    public String appId() { return appId; }
    public String appName() { return appName; }
    public String job() { return job; }
    public String host() { return host; }
    public String sparkVersion() { return sparkVersion; }
    public Map<String, String> tags() { return tags; }

    /** The {@code app} object of this application's events, sent by listener version {@code listenerVersion}. */
    public AppIdentity identity(String listenerVersion) {
        return new AppIdentity(appId, appName, job, host, sparkVersion, listenerVersion, tags);
    }
}
