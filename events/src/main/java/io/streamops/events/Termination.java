package io.streamops.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;

/** The {@code termination} object of a terminated event: how the run ended. Immutable. */
public final class Termination {
    /** How a query ended, as far as Spark lets us tell. */
    public enum Outcome {
        /** Spark reported an exception. */
        FAILED,
        /**
         * Spark reported none: a {@code stop()}, the application ending, but also a query killed by a
         * fatal JVM Error (Spark reports null for those too).
         */
        STOPPED;

        private final String wireName = name().toLowerCase(Locale.ROOT);

        public String wireName() {
            return wireName;
        }
    }

    static final String FIELD = "termination";
    private static final String OUTCOME = "outcome";
    private static final String EXCEPTION = "exception";
    private static final String EXCEPTION_MESSAGE = "exceptionMessage";
    private static final String ERROR_CLASS = "errorClassOnException";

    private final Outcome outcome;
    private final String exception;
    private final String exceptionMessage;
    private final String errorClassOnException;

    public Termination(Outcome outcome, String exception, String exceptionMessage, String errorClassOnException) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.exception = exception;
        this.exceptionMessage = exceptionMessage;
        this.errorClassOnException = errorClassOnException;
    }

    /**
     * What Spark's terminated event says: failed if it carries an exception (its first line is the
     * message), else stopped.
     */
    public static Termination of(String exception, String errorClassOnException) {
        return new Termination(exception != null ? Outcome.FAILED : Outcome.STOPPED, exception,
                firstLine(exception), errorClassOnException);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    public Outcome outcome() { return outcome; }
    /** Spark's full exception text, stack trace included; null when stopped. Untrusted: escape before display. */
    public String exception() { return exception; }
    /** The first line of {@link #exception()}. */
    public String exceptionMessage() { return exceptionMessage; }
    /** Spark's error class for the failure; null when none, and always before Spark 3.5. */
    public String errorClassOnException() { return errorClassOnException; }

    void write(JsonGenerator out) throws IOException {
        out.writeObjectFieldStart(FIELD);
        out.writeStringField(OUTCOME, outcome.wireName());
        out.writeStringField(EXCEPTION, exception);
        out.writeStringField(EXCEPTION_MESSAGE, exceptionMessage);
        out.writeStringField(ERROR_CLASS, errorClassOnException);
        out.writeEndObject();
    }

    /** Reads the object back; {@code where} names the event for an error. */
    static Termination read(JsonNode json, String where) throws MalformedEventException {
        String outcome = json.path(OUTCOME).asText("");
        Outcome parsed = null;
        for (Outcome o : Outcome.values()) {
            if (o.wireName().equals(outcome)) {
                parsed = o;
            }
        }
        if (parsed == null) {
            throw new MalformedEventException(MalformedEventException.Problem.MALFORMED, FIELD + "." + OUTCOME
                    + " is " + json.path(OUTCOME) + " in " + where + ", expected \"failed\" or \"stopped\"");
        }
        return new Termination(parsed, text(json, EXCEPTION), text(json, EXCEPTION_MESSAGE), text(json, ERROR_CLASS));
    }

    private static String text(JsonNode json, String field) {
        return json.path(field).isTextual() ? json.path(field).asText() : null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Termination)) {
            return false;
        }
        Termination that = (Termination) o;
        return outcome == that.outcome && Objects.equals(exception, that.exception)
                && Objects.equals(exceptionMessage, that.exceptionMessage)
                && Objects.equals(errorClassOnException, that.errorClassOnException);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, exception, exceptionMessage, errorClassOnException);
    }

    @Override
    public String toString() {
        return outcome.wireName() + (exceptionMessage == null ? "" : ": " + exceptionMessage);
    }
}
