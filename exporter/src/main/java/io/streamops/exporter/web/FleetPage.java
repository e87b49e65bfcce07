package io.streamops.exporter.web;

import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One page of the fleet as {@code GET /api/fleet} answers: the queries that match the filter, from
 * {@code offset}, at most {@code limit}; how many match in all; the fleet's count per status and its
 * jobs (for the job filter, at most {@link #MAX_JOBS}). Only the page's rows are sent, however large
 * the fleet.
 */
public record FleetPage(int total, int offset, int limit, Map<String, Integer> statusCounts, int queries,
                        List<String> jobs, boolean jobsTruncated, List<QueryRow> items) {
    static final int MAX_JOBS = 1000;

    /**
     * The display order, the same at every poll: queries in trouble first (failed, driver lost, stalled),
     * then those with an alert firing, then the rest; within each, by job, query name, query id.
     */
    static Comparator<Signals> displayOrder(Set<String> firingQueryIds) {
        return Comparator.<Signals>comparingInt(s -> TROUBLE.contains(s.status()) ? 0 : firingQueryIds.contains(s.queryId()) ? 1 : 2)
                .thenComparing(Signals::job).thenComparing(Signals::queryLabel).thenComparing(Signals::queryId);
    }

    private static final Set<QueryStatus> TROUBLE = EnumSet.of(QueryStatus.FAILED, QueryStatus.DRIVER_LOST, QueryStatus.STALLED);

    /** @param firingQueryIds the queries with an alert firing (by query id), listed after those in trouble */
    public static FleetPage of(List<Signals> unordered, Set<String> firingQueryIds, FleetFilter filter) {
        List<Signals> fleet = new ArrayList<>(unordered);
        fleet.sort(displayOrder(firingQueryIds));
        Map<String, Integer> counts = new TreeMap<>();
        for (QueryStatus s : QueryStatus.values()) {
            counts.put(s.wireName(), 0);
        }
        TreeSet<String> jobs = new TreeSet<>();
        List<QueryRow> items = new ArrayList<>();
        int matched = 0;
        for (Signals s : fleet) {
            counts.merge(s.status().wireName(), 1, Integer::sum);
            jobs.add(s.job());
            if (filter.matches(s)) {
                if (matched >= filter.offset() && items.size() < filter.limit()) {
                    items.add(QueryRow.of(s));
                }
                matched++;
            }
        }
        List<String> jobList = jobs.stream().limit(MAX_JOBS).toList();
        return new FleetPage(matched, filter.offset(), filter.limit(), counts, fleet.size(), jobList,
                jobs.size() > MAX_JOBS, items);
    }
}
