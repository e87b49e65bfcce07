package io.streamops.exporter.rules;

import io.streamops.exporter.yaml.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A rules file that cannot be used. It carries every problem found, not just the first, so a user fixes
 * them in one go; the message lists them one per line.
 */
public final class InvalidRulesException extends Exception {

    private final transient List<Problem> problems;

    public InvalidRulesException(List<Problem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid rules file has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        String header = problems.size() == 1 ? "invalid rules:" : problems.size() + " problems in rules:";
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ", header + "\n  ", ""));
    }
}
