package io.streamops.exporter.silence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Mutes matching alerts between two instants, as in Alertmanager: every matcher must match a label.
 * A matcher value wrapped in slashes ({@code /orders-.*}/) is a regular expression, anything else is
 * an exact value. The matchers are checked, bounded and compiled by {@link SilenceMatchers} once, when
 * the silence is made or read, and kept here: the router's thread only matches, it never compiles.
 */
public final class Silence {
    private final String id;
    private final Map<String, String> matchers;
    private final Instant startsAt;
    private final Instant endsAt;
    private final String createdBy;
    private final String comment;
    private final SilenceMatchers compiled;

    /** @throws IllegalArgumentException naming what is malformed or too large */
    @JsonCreator
    public Silence(@JsonProperty("id") String id, @JsonProperty("matchers") Map<String, String> matchers,
                   @JsonProperty("startsAt") Instant startsAt, @JsonProperty("endsAt") Instant endsAt,
                   @JsonProperty("createdBy") String createdBy, @JsonProperty("comment") String comment) {
        this.id = id;
        this.matchers = Map.copyOf(matchers);
        this.compiled = SilenceMatchers.compile(this.matchers);
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt");
        }
        this.startsAt = startsAt;
        this.endsAt = endsAt;
        this.createdBy = createdBy;
        this.comment = comment;
    }

    @JsonProperty
    public String id() {
        return id;
    }

    @JsonProperty
    public Map<String, String> matchers() {
        return matchers;
    }

    @JsonProperty
    public Instant startsAt() {
        return startsAt;
    }

    @JsonProperty
    public Instant endsAt() {
        return endsAt;
    }

    @JsonProperty
    public String createdBy() {
        return createdBy;
    }

    @JsonProperty
    public String comment() {
        return comment;
    }

    public boolean activeAt(Instant t) {
        return !t.isBefore(startsAt) && t.isBefore(endsAt);
    }

    public boolean mutes(AlertTransition alert, Instant at) {
        return activeAt(at) && compiled.matches(alert.labels());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Silence s && id.equals(s.id) && matchers.equals(s.matchers) && startsAt.equals(s.startsAt)
                && endsAt.equals(s.endsAt) && Objects.equals(createdBy, s.createdBy) && Objects.equals(comment, s.comment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, matchers, startsAt, endsAt, createdBy, comment);
    }

    @Override
    public String toString() {
        return "Silence[id=" + id + ", matchers=" + matchers + ", startsAt=" + startsAt + ", endsAt=" + endsAt + "]";
    }
}
