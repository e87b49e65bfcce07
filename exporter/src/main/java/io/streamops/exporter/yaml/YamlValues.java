package io.streamops.exporter.yaml;

import io.streamops.exporter.support.DurationText;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Typed reads of {@link YamlNode}s, shared by the rules file and exporter.yaml so both accept the same
 * values. Each read either returns the value or records a problem that names the field and what was
 * expected, and returns empty, so the caller carries on and finds more problems. {@code context}
 * prefixes each message, e.g. {@code rule 'Lagging': for} or {@code status.window}.
 *
 * <p>Numbers and booleans are also accepted as strings that read as one: a {@code ${PORT}} reference in
 * exporter.yaml is a string in YAML and a number only once substituted.
 */
public final class YamlValues {

    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on");
    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "off");

    private final Problems problems;

    public YamlValues(Problems problems) {
        this.problems = problems;
    }

    public Problems problems() {
        return problems;
    }

    public Optional<YamlNode.Mapping> mapping(YamlNode node, String context) {
        if (node instanceof YamlNode.Mapping mapping) {
            return Optional.of(mapping);
        }
        return expected(node, context, "a mapping");
    }

    public Optional<YamlNode.Sequence> sequence(YamlNode node, String context) {
        if (node instanceof YamlNode.Sequence sequence) {
            return Optional.of(sequence);
        }
        return expected(node, context, "a list");
    }

    /** Any non-empty scalar, as text: numbers and booleans are accepted for their written form. */
    public Optional<String> text(YamlNode node, String context) {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() != YamlNode.ScalarType.NULL) {
            if (scalar.text().isBlank()) {
                problems.add(node.at(), context + ": must not be empty");
                return Optional.empty();
            }
            return Optional.of(scalar.text());
        }
        return expected(node, context, "a string");
    }

    public Optional<Integer> integer(YamlNode node, String context) {
        return text(node, context).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                problems.add(node.at(), context + ": expected a whole number, found " + quoted(node));
                return Optional.empty();
            }
        });
    }

    public Optional<Duration> duration(YamlNode node, String context) {
        return text(node, context).flatMap(text -> {
            Optional<Duration> duration = DurationText.parse(text.trim());
            if (duration.isEmpty()) {
                problems.add(node.at(), context + ": " + quoted(node) + " is not a duration (write e.g. 500ms, 30s, 5m, 4h, 1d or 1h30m)");
            }
            return duration;
        });
    }

    /** {@code true}/{@code false}, and YAML 1.1's {@code yes}/{@code no}/{@code on}/{@code off}, in any case. */
    public Optional<Boolean> bool(YamlNode node, String context) {
        if (node instanceof YamlNode.Scalar scalar) {
            String text = scalar.text().trim().toLowerCase(Locale.ROOT);
            if (TRUE_WORDS.contains(text) || FALSE_WORDS.contains(text)) {
                return Optional.of(TRUE_WORDS.contains(text));
            }
            if (scalar.type() != YamlNode.ScalarType.NULL) {
                problems.add(node.at(), context + ": expected true or false, found " + quoted(node));
                return Optional.empty();
            }
        }
        return expected(node, context, "true or false");
    }

    /** A list of distinct non-empty strings; may be empty ({@code notify: []}: nobody). */
    public Optional<List<String>> stringList(YamlNode node, String context) {
        return sequence(node, context).flatMap(sequence -> {
            Set<String> values = new LinkedHashSet<>();
            boolean ok = true;
            for (YamlNode item : sequence.items()) {
                Optional<String> value = text(item, context);
                if (value.isEmpty()) {
                    ok = false;
                } else if (!values.add(value.get())) {
                    problems.add(item.at(), context + ": " + quoted(item) + " is listed twice");
                    ok = false;
                }
            }
            return ok ? Optional.of(List.copyOf(values)) : Optional.empty();
        });
    }

    /** A mapping of names to string values; names must satisfy {@code isValidKey} ({@code keyRule} says how). */
    public Optional<Map<String, String>> stringMap(YamlNode node, String context, Predicate<String> isValidKey, String keyRule) {
        return mapping(node, context).flatMap(mapping -> {
            Map<String, String> values = new LinkedHashMap<>();
            boolean ok = true;
            for (YamlNode.Entry entry : mapping.entries().values()) {
                if (!isValidKey.test(entry.key())) {
                    problems.add(entry.keyAt(), context + ": '" + entry.key() + "' " + keyRule);
                    ok = false;
                    continue;
                }
                Optional<String> value = text(entry.value(), context + "." + entry.key());
                value.ifPresent(v -> values.put(entry.key(), v));
                ok &= value.isPresent();
            }
            return ok ? Optional.of(values) : Optional.empty();
        });
    }

    /**
     * Settings passed through to another library (Kafka client properties): any key, and any scalar
     * value including an empty one ({@code ssl.endpoint.identification.algorithm: ""} means something).
     */
    public Optional<Map<String, String>> settingsMap(YamlNode node, String context) {
        return mapping(node, context).flatMap(mapping -> {
            Map<String, String> values = new LinkedHashMap<>();
            boolean ok = true;
            for (YamlNode.Entry entry : mapping.entries().values()) {
                if (entry.value() instanceof YamlNode.Scalar scalar) {
                    values.put(entry.key(), scalar.type() == YamlNode.ScalarType.NULL ? "" : scalar.text());
                } else {
                    expected(entry.value(), context + "." + entry.key(), "a single value");
                    ok = false;
                }
            }
            return ok ? Optional.of(values) : Optional.empty();
        });
    }

    /** Records "unknown field" for every key not in {@code known}; {@code owner} is e.g. "rule 'Lagging'". */
    public void rejectUnknownKeys(YamlNode.Mapping mapping, List<String> known, String owner) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String prefix = owner.isEmpty() ? "" : owner + ": ";
                problems.add(entry.keyAt(), prefix + "unknown field '" + entry.key() + "' (known: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The value as the file has it, quoted, for messages: never a value substituted from the environment. */
    public static String quoted(YamlNode node) {
        return node instanceof YamlNode.Scalar scalar ? "'" + scalar.written() + "'" : node.kind();
    }

    /** Records "{@code context}: expected {@code what}, found ..." and returns empty. */
    public <T> Optional<T> expected(YamlNode node, String context, String what) {
        problems.add(node.at(), context + ": expected " + what + ", found " + node.kind());
        return Optional.empty();
    }
}
