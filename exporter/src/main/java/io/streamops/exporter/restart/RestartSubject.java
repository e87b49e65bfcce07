package io.streamops.exporter.restart;

import java.util.Map;
import java.util.Objects;

/**
 * The job a restart is about, with the values a restarter may use: job, query name, query id, app id
 * and the job's tags. They come from the Spark application, so they are untrusted: restarters pass them
 * only as whole values (an argv element, a JSON string), never through a shell or into a string that is
 * parsed again. Unknown values are "".
 */
public record RestartSubject(String job, String queryName, String queryId, String appId, Map<String, String> tags) {

    public RestartSubject {
        Objects.requireNonNull(job, "job");
        queryName = queryName == null ? "" : queryName;
        queryId = queryId == null ? "" : queryId;
        appId = appId == null ? "" : appId;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static RestartSubject ofJob(String job) {
        return new RestartSubject(job, "", "", "", Map.of());
    }
}
