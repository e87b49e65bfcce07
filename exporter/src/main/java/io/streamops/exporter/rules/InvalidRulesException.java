package io.streamops.exporter.rules;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A rules file that cannot be used. It carries every problem found, not just the first, so a user fixes
 * them in one go; the message lists them one per line.
 */
public final class InvalidRulesException extends Exception {

    private final transient List<RuleProblem> problems;

    public InvalidRulesException(List<RuleProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid rules file has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }

    private static String describe(List<RuleProblem> problems) {
        String header = problems.size() == 1 ? "invalid rules:" : problems.size() + " problems in rules:";
        return problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n  ", header + "\n  ", ""));
    }
}
