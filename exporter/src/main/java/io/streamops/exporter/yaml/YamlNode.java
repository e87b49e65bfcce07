package io.streamops.exporter.yaml;

import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each node is, so the rules reader can point at the
 * exact line and column of a bad value. (Jackson's JsonNode forgets locations.)
 */
public sealed interface YamlNode {

    SourcePosition at();

    /** "a string", "a mapping", ...: for "expected X, found Y" messages. */
    String kind();

    /**
     * A scalar: {@code text} as read (after YAML unquoting, and after {@code ${ENV}} substitution in
     * exporter.yaml); {@code type} says how YAML read it; {@code written} is the text as the file has it,
     * what error messages show, so a value substituted from a secret is never echoed.
     */
    record Scalar(SourcePosition at, String text, ScalarType type, String written) implements YamlNode {
        public Scalar(SourcePosition at, String text, ScalarType type) {
            this(at, text, type, text);
        }

        @Override
        public String kind() {
            return switch (type) {
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "nothing";
            };
        }
    }

    enum ScalarType { STRING, NUMBER, BOOLEAN, NULL }

    /** A key with where the key itself is written (for "unknown field" and "missing" messages). */
    record Entry(String key, SourcePosition keyAt, YamlNode value) {}

    /** A mapping, in document order. */
    record Mapping(SourcePosition at, Map<String, Entry> entries) implements YamlNode {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Sequence(SourcePosition at, List<YamlNode> items) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }
}
