package io.streamops.exporter.rules;

import io.streamops.exporter.signals.Signals;
import java.util.List;
import java.util.Map;

/**
 * Which queries a rule applies to. A query is in scope when its job matches one of {@code jobs}, its
 * name or id matches one of {@code queries}, and it has every tag in {@code tags} with a value matching
 * that tag's pattern. An empty list or map means "no restriction" (the rule file omitted it).
 */
public record Scope(List<Glob> jobs, List<Glob> queries, Map<String, Glob> tags) {

    public static final Scope ALL = new Scope(List.of(), List.of(), Map.of());

    public Scope {
        jobs = List.copyOf(jobs);
        queries = List.copyOf(queries);
        tags = Map.copyOf(tags);
    }

    public boolean includes(Signals signals) {
        return anyMatches(jobs, signals.job())
                && (anyMatches(queries, signals.queryLabel()) || anyMatches(queries, signals.queryId()))
                && tagsMatch(signals.tags());
    }

    private static boolean anyMatches(List<Glob> patterns, String text) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Glob pattern : patterns) {
            if (pattern.matches(text)) {
                return true;
            }
        }
        return false;
    }

    private boolean tagsMatch(Map<String, String> queryTags) {
        for (Map.Entry<String, Glob> wanted : tags.entrySet()) {
            String value = queryTags.get(wanted.getKey());
            if (value == null || !wanted.getValue().matches(value)) {
                return false;
            }
        }
        return true;
    }
}
