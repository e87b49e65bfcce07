package io.streamops.exporter.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects what is wrong with a rules file, so that one load reports everything, in file order. */
final class Problems {

    private final List<RuleProblem> found = new ArrayList<>();

    void add(SourcePosition at, String message) {
        found.add(new RuleProblem(at, message));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    List<RuleProblem> inFileOrder() {
        return found.stream()
                .sorted(Comparator.comparingInt((RuleProblem p) -> p.at().line()).thenComparingInt(p -> p.at().column()))
                .toList();
    }
}
