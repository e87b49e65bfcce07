package io.streamops.exporter.restart;

import io.streamops.exporter.alert.AlertTransition;

import java.util.HashMap;
import java.util.Map;

/**
 * What a rule's alert transition tells the restart controller: the job, query and tags from its labels
 * and signal snapshot, the query's status and the Spark run it is about.
 */
public record TransitionSubject(RestartSubject subject, String queryStatus, String runId) {

    private static final String TAG_PREFIX = "tags.";

    public static TransitionSubject of(AlertTransition transition) {
        Map<String, String> labels = transition.labels();
        Map<String, Object> signals = transition.signals();
        Map<String, String> tags = new HashMap<>();
        signals.forEach((name, value) -> {
            if (name.startsWith(TAG_PREFIX)) {
                tags.put(name.substring(TAG_PREFIX.length()), String.valueOf(value));
            }
        });
        String queryId = labels.getOrDefault("query_id", "");
        String query = labels.getOrDefault("query", "");
        RestartSubject subject = new RestartSubject(labels.getOrDefault("job", ""), query.equals(queryId) ? "" : query,
                queryId, String.valueOf(signals.getOrDefault("app_id", "")), tags);
        return new TransitionSubject(subject, String.valueOf(signals.getOrDefault("status", "")),
                String.valueOf(signals.getOrDefault("run_id", "")));
    }

    /** What a FIRING transition tells the controller: its incident is its fingerprint and start. */
    public static Observation.AlertFired fired(AlertTransition transition, java.time.Instant now) {
        TransitionSubject told = of(transition);
        java.time.Instant startsAt = transition.startsAt() == null ? now : transition.startsAt();
        return new Observation.AlertFired(told.subject(), transition.rule(), told.queryStatus(), told.runId(),
                Observation.incidentOf(transition.fingerprint(), transition.startsAt()), startsAt, now);
    }
}
