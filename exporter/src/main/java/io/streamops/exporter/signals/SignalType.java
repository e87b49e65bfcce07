package io.streamops.exporter.signals;

/** The type of a {@link Signal} as rules see it, spelt as CEL spells it. */
public enum SignalType {
    STRING("string"),
    DOUBLE("double"),
    /** A Java long. */
    INT("int"),
    BOOL("bool"),
    STRING_MAP("map(string, string)"),
    DOUBLE_MAP("map(string, double)");

    private final String celName;

    SignalType(String celName) {
        this.celName = celName;
    }

    /** {@code double}, {@code map(string, string)}, ...: as the rules documentation writes it. */
    public String celName() {
        return celName;
    }
}
