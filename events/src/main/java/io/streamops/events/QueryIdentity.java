package io.streamops.events;

import java.util.Objects;

/** The {@code query} object of every event. Immutable. */
public final class QueryIdentity {
    private final String id;
    private final String runId;
    private final String name;

    public QueryIdentity(String id, String runId, String name) {
        this.id = id;
        this.runId = runId;
        this.name = name;
    }

    /** Stable across restarts from the same checkpoint; the message key. */
    public String id() { return id; }
    /** New on every start. */
    public String runId() { return runId; }
    /** Null for an unnamed query, and for idle/terminated of a query the listener did not see start. */
    public String name() { return name; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QueryIdentity)) {
            return false;
        }
        QueryIdentity that = (QueryIdentity) o;
        return Objects.equals(id, that.id) && Objects.equals(runId, that.runId) && Objects.equals(name, that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, runId, name);
    }

    @Override
    public String toString() {
        return "query " + id + " run " + runId + (name == null ? "" : " '" + name + "'");
    }
}
