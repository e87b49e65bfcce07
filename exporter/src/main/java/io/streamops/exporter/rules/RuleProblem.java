package io.streamops.exporter.rules;

/**
 * One thing wrong with a rules file. {@link #toString()} is the line to show a user, e.g.
 * {@code rules.yaml:12:15: rule 'Lagging': expr: undeclared reference to 'record_behind'}.
 */
public record RuleProblem(SourcePosition at, String message) {

    @Override
    public String toString() {
        return at + ": " + message;
    }
}
