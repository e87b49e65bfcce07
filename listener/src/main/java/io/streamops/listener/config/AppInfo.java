package io.streamops.listener.config;

import org.apache.spark.SparkConf;

import java.net.InetAddress;
import java.util.Map;

/** Who is reporting: the Spark application and job an event belongs to. Immutable. */
public final class AppInfo {
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

    public static AppInfo from(SparkConf conf, ListenerConfig config) {
        return new AppInfo(
                conf.get("spark.app.id", "unknown"),
                conf.get("spark.app.name", "unknown"),
                config.job(),
                conf.get("spark.driver.host", localHostName()),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                config.tags());
    }

    private static String localHostName() {
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
}
