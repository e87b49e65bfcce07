package io.streamops.exporter.replay;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.streams.QueryRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs recorded events (one JSON event per line, e.g. dumped from the topic) through the same
 * fold-and-evaluate step as the live service, on the events' own timestamps: lifecycle events and
 * the first event of a new run are evaluated as they come, the rest by the every-second pass, simulated in event time
 * (see {@link QueryCadence}). Rule testing in the spirit of {@code promtool test rules}.
 */
public final class Replay {
    /** What a replay found: the transitions in order, and the lines it could not use. */
    public record Result(List<AlertTransition> transitions, List<String> skipped, int events) {
    }

    private final QueryEvaluation evaluation;
    private final EventParser parser;
    private final Duration step;
    private final Duration after;

    /**
     * @param step  the pass interval in event time (the service's is 1 s)
     * @param after how long to go on evaluating after the last event, so {@code for} durations, stalls
     *              and lost drivers can mature; at least one pass follows the last event
     */
    public Replay(QueryEvaluation evaluation, EventParser parser, Duration step, Duration after) {
        if (step.isZero() || step.isNegative()) {
            throw new IllegalArgumentException("step must be positive");
        }
        this.evaluation = evaluation;
        this.parser = parser;
        this.step = step;
        this.after = after;
    }

    public Result run(Path file) throws IOException {
        List<QueryEvent> events = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                EventParser.Result parsed = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (parsed.ok()) {
                    events.add(parsed.event());
                } else {
                    skipped.add(file.getFileName() + ":" + number + ": " + parsed.problem().wireName() + " (" + parsed.detail() + ")");
                }
            }
        }
        events.sort(Comparator.comparing(QueryEvent::timestamp));
        Map<String, QueryRecord> queries = new LinkedHashMap<>();
        List<AlertTransition> transitions = new ArrayList<>();
        Instant clock = events.isEmpty() ? Instant.EPOCH : events.get(0).timestamp();
        for (QueryEvent e : events) {
            while (clock.plus(step).isBefore(e.timestamp())) {
                clock = clock.plus(step);
                pass(queries, clock, transitions);
            }
            QueryRecord q = queries.computeIfAbsent(e.queryId(), id -> new QueryRecord());
            if (evaluation.fold(q, e)) {
                transitions.addAll(evaluation.evaluate(q, e.timestamp()));
            }
        }
        Instant end = (events.isEmpty() ? clock : events.get(events.size() - 1).timestamp()).plus(after);
        do { // the pass that would follow the last event, and those of --after
            clock = clock.plus(step);
            pass(queries, clock, transitions);
        } while (clock.isBefore(end));
        return new Result(transitions, skipped, events.size());
    }

    private void pass(Map<String, QueryRecord> queries, Instant at, List<AlertTransition> transitions) {
        for (QueryRecord q : queries.values()) {
            transitions.addAll(evaluation.evaluate(q, at));
        }
    }
}
