package io.streamops.exporter.rules;

import io.streamops.exporter.support.DurationText;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of {@link YamlNode}s. Each read either returns the value or records a problem that names
 * the field and what was expected, and returns empty, so the caller carries on and finds more problems.
 * {@code context} prefixes each message, e.g. {@code rule 'Lagging': for}.
 */
final class YamlValues {

    private final Problems problems;

    YamlValues(Problems problems) {
        this.problems = problems;
    }

    Optional<YamlNode.Mapping> mapping(YamlNode node, String context) {
        if (node instanceof YamlNode.Mapping mapping) {
            return Optional.of(mapping);
        }
        return expected(node, context, "a mapping");
    }

    Optional<YamlNode.Sequence> sequence(YamlNode node, String context) {
        if (node instanceof YamlNode.Sequence sequence) {
            return Optional.of(sequence);
        }
        return expected(node, context, "a list");
    }

    /** Any non-empty scalar, as text: numbers and booleans are accepted for their written form. */
    Optional<String> text(YamlNode node, String context) {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() != YamlNode.ScalarType.NULL) {
            if (scalar.text().isBlank()) {
                problems.add(node.at(), context + ": must not be empty");
                return Optional.empty();
            }
            return Optional.of(scalar.text());
        }
        return expected(node, context, "a string");
    }

    Optional<Duration> duration(YamlNode node, String context) {
        return text(node, context).flatMap(text -> {
            Optional<Duration> duration = DurationText.parse(text);
            if (duration.isEmpty()) {
                problems.add(node.at(), context + ": '" + text + "' is not a duration (write e.g. 30s, 5m, 4h, 1d or 1h30m)");
            }
            return duration;
        });
    }

    Optional<Boolean> bool(YamlNode node, String context) {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.ScalarType.BOOLEAN) {
            return Optional.of(isYamlTrue(scalar.text()));
        }
        return expected(node, context, "true or false");
    }

    Optional<Severity> severity(YamlNode node, String context) {
        return text(node, context).flatMap(text -> {
            Optional<Severity> severity = Severity.fromWireName(text);
            if (severity.isEmpty()) {
                problems.add(node.at(), context + ": unknown severity '" + text + "' (use one of " + Severity.allWireNames() + ")");
            }
            return severity;
        });
    }

    /** A list of distinct non-empty strings; may be empty ({@code notify: []}: nobody). */
    Optional<List<String>> stringList(YamlNode node, String context) {
        return sequence(node, context).flatMap(sequence -> {
            Set<String> values = new LinkedHashSet<>();
            boolean ok = true;
            for (YamlNode item : sequence.items()) {
                Optional<String> value = text(item, context);
                if (value.isEmpty()) {
                    ok = false;
                } else if (!values.add(value.get())) {
                    problems.add(item.at(), context + ": '" + value.get() + "' is listed twice");
                    ok = false;
                }
            }
            return ok ? Optional.of(List.copyOf(values)) : Optional.empty();
        });
    }

    /** A list of patterns for a scope: an empty one would match nothing, which is surely a mistake. */
    Optional<List<String>> patternList(YamlNode node, String context) {
        return stringList(node, context).filter(patterns -> {
            if (patterns.isEmpty()) {
                problems.add(node.at(), context + ": must list at least one pattern (leave it out to mean all)");
            }
            return !patterns.isEmpty();
        });
    }

    /** A mapping of names to string values; names must satisfy {@code isValidKey}. */
    Optional<Map<String, String>> stringMap(YamlNode node, String context, java.util.function.Predicate<String> isValidKey,
                                            String keyRule) {
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

    /** Records "unknown field" for every key not in {@code known}; {@code owner} is e.g. "rule 'Lagging'". */
    void rejectUnknownKeys(YamlNode.Mapping mapping, List<String> known, String owner) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String prefix = owner.isEmpty() ? "" : owner + ": ";
                problems.add(entry.keyAt(), prefix + "unknown field '" + entry.key() + "' (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private <T> Optional<T> expected(YamlNode node, String context, String what) {
        problems.add(node.at(), context + ": expected " + what + ", found " + node.kind());
        return Optional.empty();
    }

    /** YAML 1.1 (SnakeYAML) also reads yes/on as booleans; Jackson keeps their text, so read it here. */
    private static boolean isYamlTrue(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("true") || lower.equals("yes") || lower.equals("on") || lower.equals("y");
    }
}
