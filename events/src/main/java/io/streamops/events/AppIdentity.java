package io.streamops.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The {@code app} object of every event: which Spark application and job sent it. Immutable. */
public final class AppIdentity {
    private final String id;
    private final String name;
    private final String job;
    private final String host;
    private final String sparkVersion;
    private final String listenerVersion;
    private final Map<String, String> tags;

    public AppIdentity(String id, String name, String job, String host, String sparkVersion, String listenerVersion,
                       Map<String, String> tags) {
        this(id, name, job, host, sparkVersion, listenerVersion, new LinkedHashMap<String, String>(tags), true);
    }

    /** {@code ownTags} is this identity's own copy, which nothing else holds: kept without copying again. */
    AppIdentity(String id, String name, String job, String host, String sparkVersion, String listenerVersion,
                LinkedHashMap<String, String> ownTags, boolean alreadyCopied) {
        this.id = id;
        this.name = name;
        this.job = job;
        this.host = host;
        this.sparkVersion = sparkVersion;
        this.listenerVersion = listenerVersion;
        this.tags = Collections.unmodifiableMap(ownTags);
    }

    /** {@code spark.app.id}. */
    public String id() { return id; }
    /** {@code spark.app.name}. */
    public String name() { return name; }
    /** {@code spark.streamops.job}, default the app name: stable across runs. */
    public String job() { return job; }
    public String host() { return host; }
    public String sparkVersion() { return sparkVersion; }
    public String listenerVersion() { return listenerVersion; }
    /** Unmodifiable, in the order they were given. */
    public Map<String, String> tags() { return tags; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AppIdentity)) {
            return false;
        }
        AppIdentity that = (AppIdentity) o;
        return Objects.equals(id, that.id) && Objects.equals(name, that.name) && Objects.equals(job, that.job)
                && Objects.equals(host, that.host) && Objects.equals(sparkVersion, that.sparkVersion)
                && Objects.equals(listenerVersion, that.listenerVersion) && tags.equals(that.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, job, host, sparkVersion, listenerVersion, tags);
    }

    @Override
    public String toString() {
        return "app " + id + " (job " + job + " on " + host + ", Spark " + sparkVersion + ")";
    }
}
