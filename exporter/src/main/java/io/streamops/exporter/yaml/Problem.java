package io.streamops.exporter.yaml;

/**
 * One thing wrong with a rules file or exporter.yaml. {@link #toString()} is the line to show a user, e.g.
 * {@code rules.yaml:12:15: rule 'Lagging': expr: undeclared reference to 'record_behind'}.
 */
public record Problem(SourcePosition at, String message) {

    @Override
    public String toString() {
        return at + ": " + message;
    }
}
