package io.streamops.exporter.web;

import io.streamops.exporter.http.ExporterHttpServer.ApiException;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code GET /api/fleet} asks for: a case-insensitive search in job, query name and id, an exact
 * job, a status, and a page ({@code offset}, {@code limit}). Parameters are checked here, and a bad one
 * is the caller's mistake (400) naming the parameter and what it accepts.
 */
public record FleetFilter(String search, Optional<String> job, Optional<QueryStatus> status, int offset, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final int MAX_SEARCH_CHARS = 200;
    static final Set<String> PARAMETERS = Set.of("search", "job", "status", "offset", "limit");

    public static FleetFilter parse(Map<String, String> query) throws ApiException {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new ApiException(400, "unknown parameter '" + name + "'; known: " + PARAMETERS.stream().sorted().toList());
            }
        }
        String search = query.getOrDefault("search", "").strip();
        if (search.length() > MAX_SEARCH_CHARS) {
            throw new ApiException(400, "search is " + search.length() + " characters; at most " + MAX_SEARCH_CHARS);
        }
        String job = query.getOrDefault("job", "");
        return new FleetFilter(search.toLowerCase(Locale.ROOT), job.isEmpty() ? Optional.empty() : Optional.of(job),
                status(query.getOrDefault("status", "")),
                number(query, "offset", 0, 0, Integer.MAX_VALUE), number(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    private static Optional<QueryStatus> status(String text) throws ApiException {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (QueryStatus s : QueryStatus.values()) {
            if (s.wireName().equals(text)) {
                return Optional.of(s);
            }
        }
        throw new ApiException(400, "status must be one of "
                + Arrays.stream(QueryStatus.values()).map(QueryStatus::wireName).collect(Collectors.joining(", ")));
    }

    static int number(Map<String, String> query, String name, int fallback, int min, int max) throws ApiException {
        String text = query.get(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw new ApiException(400, name + " must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /** Whether {@code s} passes the search, job and status (paging aside). */
    public boolean matches(Signals s) {
        return job.map(s.job()::equals).orElse(true)
                && status.map(wanted -> s.status() == wanted).orElse(true)
                && (search.isEmpty() || contains(s.job()) || contains(s.queryName()) || contains(s.queryId()));
    }

    private boolean contains(String field) {
        return field.toLowerCase(Locale.ROOT).contains(search);
    }
}
