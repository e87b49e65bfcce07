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
    private final String wireOutcome;

    public Termination(Outcome outcome, String exception, String exceptionMessage, String errorClassOnException) {
        this(outcome, exception, exceptionMessage, errorClassOnException, outcome.wireName());
    }

    private Termination(Outcome outcome, String exception, String exceptionMessage, String errorClassOnException,
                        String wireOutcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.exception = exception;
        this.exceptionMessage = exceptionMessage;
        this.errorClassOnException = errorClassOnException;
        this.wireOutcome = wireOutcome;
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
    /**
     * The {@code outcome} as the message had it: {@link #outcome()}'s wire name, unless a reader met a
     * value it does not know (kept as sent, a non-text value as its JSON) or none (null) and derived the outcome.
     */
    public String wireOutcome() { return wireOutcome; }
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

    /**
     * Reads the object back. Lenient about {@code outcome}, for forward compatibility: a newer listener's
     * outcome this reader does not know, or none, is read by the rule of {@link #of} (failed if there is
     * an exception text, else stopped) rather than losing the termination, which a reader would then
     * take for a lost driver. The value as sent is kept in {@link #wireOutcome()}.
     */
    static Termination read(JsonNode json) {
        JsonNode sent = json.path(OUTCOME);
        String exception = text(json, EXCEPTION);
        Outcome parsed = null;
        for (Outcome o : Outcome.values()) {
            if (o.wireName().equals(sent.asText(null))) {
                parsed = o;
            }
        }
        if (parsed == null) {
            parsed = exception != null && !exception.isEmpty() ? Outcome.FAILED : Outcome.STOPPED;
        }
        return new Termination(parsed, exception, text(json, EXCEPTION_MESSAGE), text(json, ERROR_CLASS),
                sent.isMissingNode() || sent.isNull() ? null : sent.isTextual() ? sent.asText() : sent.toString());
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
                && Objects.equals(errorClassOnException, that.errorClassOnException)
                && Objects.equals(wireOutcome, that.wireOutcome);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, exception, exceptionMessage, errorClassOnException, wireOutcome);
    }

    @Override
    public String toString() {
        String derived = outcome.wireName().equals(wireOutcome) ? ""
                : " (outcome " + (wireOutcome == null ? "missing" : "'" + wireOutcome + "' unknown") + ", derived)";
        return outcome.wireName() + derived + (exceptionMessage == null ? "" : ": " + exceptionMessage);
    }
}
