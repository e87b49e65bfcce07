package io.streamops.exporter.rules;

import io.streamops.exporter.yaml.SourcePosition;
import java.util.List;

/**
 * Turns a position inside a CEL expression into a position in the rules file, so an error points at the
 * offending identifier rather than at the start of the YAML value.
 *
 * <p>YAML may quote, indent or fold an expression, so there is no fixed offset. Instead each line of the
 * expression is looked up verbatim in the file: the first on the value's own line (plain or quoted
 * scalar) or the line after it (block scalar, {@code |}), each further one on the following line. That
 * gives the exact column in the usual cases; where a line is not written verbatim (escapes, folded
 * {@code >} text, a quoted string spanning lines) it falls back to the start of the value.
 */
final class ExpressionPositions {

    private final List<String> fileLines;

    ExpressionPositions(String fileText) {
        this.fileLines = fileText.lines().toList();
    }

    /**
     * @param valueAt   where the YAML value holding the expression starts
     * @param celLine   CEL's line, from 1
     * @param celColumn CEL's column, from 0
     */
    SourcePosition locate(SourcePosition valueAt, String expression, int celLine, int celColumn) {
        List<String> expressionLines = expression.lines().toList();
        if (valueAt.line() <= 0 || celLine < 1 || celLine > expressionLines.size()) {
            return valueAt;
        }
        int lineIndex = valueAt.line() - 1;
        int column = find(lineIndex, Math.max(valueAt.column() - 1, 0), expressionLines.get(0));
        if (column < 0) {
            lineIndex++;
            column = find(lineIndex, 0, expressionLines.get(0));
        }
        for (int k = 1; k < celLine && column >= 0; k++) {
            lineIndex++;
            column = find(lineIndex, 0, expressionLines.get(k));
        }
        return column < 0 ? valueAt : new SourcePosition(valueAt.file(), lineIndex + 1, column + celColumn + 1);
    }

    /** Index of {@code text} in file line {@code lineIndex} at or after {@code from}, or -1. */
    private int find(int lineIndex, int from, String text) {
        if (lineIndex >= fileLines.size()) {
            return -1;
        }
        String line = fileLines.get(lineIndex);
        return from > line.length() ? -1 : line.indexOf(text, from);
    }
}
