package io.streamops.exporter.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects what is wrong with a file, so that one load reports everything, in file order. */
public final class Problems {

    private final List<Problem> found = new ArrayList<>();

    public void add(SourcePosition at, String message) {
        found.add(new Problem(at, message));
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public List<Problem> inFileOrder() {
        return found.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.at().line()).thenComparingInt(p -> p.at().column()))
                .toList();
    }
}
