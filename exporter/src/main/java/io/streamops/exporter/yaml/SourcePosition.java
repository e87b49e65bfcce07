package io.streamops.exporter.yaml;

/**
 * A place in a YAML file (rules or exporter.yaml), for error messages: {@code file:line:column}. Lines and columns count from 1;
 * 0 means unknown (then they are left out of {@link #toString()}).
 */
public record SourcePosition(String file, int line, int column) {

    public static SourcePosition ofFile(String file) {
        return new SourcePosition(file, 0, 0);
    }

    @Override
    public String toString() {
        if (line <= 0) {
            return file;
        }
        return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
