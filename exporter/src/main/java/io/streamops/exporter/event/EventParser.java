package io.streamops.exporter.event;

import io.streamops.events.EventCodec;
import io.streamops.events.MalformedEventException;
import io.streamops.events.MalformedEventException.Problem;

/**
 * Turns a message from the events topic into a {@link QueryEvent} with the contract's one codec
 * ({@link EventCodec}, which the listener writes with), or says exactly why it cannot: the exporter
 * counts and skips bad input and never lets one message stop a partition.
 */
public final class EventParser {
    /**
     * The outcome: an event, or a problem with a human-readable detail (never both). The problem's
     * {@code wireName()} is the bad-events counter's {@code reason} label, and what logs and replay print.
     */
    public record Result(QueryEvent event, Problem problem, String detail) {
        static Result ok(QueryEvent event) {
            return new Result(event, null, null);
        }

        static Result bad(Problem problem, String detail) {
            return new Result(null, problem, detail);
        }

        public boolean ok() {
            return event != null;
        }
    }

    private final EventCodec codec = new EventCodec();
    private final int maxBytes;

    public EventParser(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Result parse(byte[] message) {
        if (message != null && message.length > maxBytes) {
            return Result.bad(Problem.OVERSIZED, message.length + " bytes, limit " + maxBytes);
        }
        try {
            return Result.ok(QueryEvent.of(codec.read(message)));
        } catch (MalformedEventException e) {
            return Result.bad(e.problem(), e.getMessage());
        }
    }
}
