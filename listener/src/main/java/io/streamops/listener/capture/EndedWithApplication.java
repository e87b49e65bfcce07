package io.streamops.listener.capture;

import java.util.UUID;

/**
 * A terminated event Spark could not deliver: the JVM is exiting with the query still running. Spark's
 * shutdown hook stops the SparkContext, and with it the listener bus, before the query's own thread
 * sees the end and posts its terminated event, which Spark then drops. The query ended with its
 * application, so it is reported as stopped (see the schema's {@code termination.outcome}). Same
 * event id as Spark's own, so if Spark's does arrive, only one is published: whichever comes first,
 * except that Spark's, if it says failed, is published after ours too (a failure is never hidden).
 */
public final class EndedWithApplication {
    private final UUID queryId;
    private final UUID runId;

    public EndedWithApplication(UUID queryId, UUID runId) {
        this.queryId = queryId;
        this.runId = runId;
    }

    public UUID queryId() { return queryId; }
    public UUID runId() { return runId; }
}
