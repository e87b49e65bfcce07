package io.streamops.exporter.yaml;

import java.util.Optional;

/**
 * The fields of one mapping (a rule, a receiver, a settings section), read one by one with
 * {@link YamlValues}, remembering whether any present field failed to read so the caller can drop the
 * whole thing while still reporting every problem in it.
 */
public final class YamlFields {

    /** A typed read of one field's value: the node and a context like {@code rule 'Lagging': for}. */
    @FunctionalInterface
    public interface FieldReader<T> {
        Optional<T> read(YamlNode node, String context);
    }

    private final YamlNode.Mapping mapping;
    private final String owner;
    private final String separator;
    private final Problems problems;
    private boolean failed;

    private YamlFields(YamlNode.Mapping mapping, String owner, String separator, Problems problems) {
        this.mapping = mapping;
        this.owner = owner;
        this.separator = separator;
        this.problems = problems;
    }

    /** Fields of a named thing: contexts read {@code rule 'Lagging': for}. */
    public static YamlFields of(YamlNode.Mapping mapping, String owner, Problems problems) {
        return new YamlFields(mapping, owner, ": ", problems);
    }

    /** Fields of a settings section: contexts read as dotted paths, {@code status.window}. */
    public static YamlFields section(YamlNode.Mapping mapping, String path, Problems problems) {
        return new YamlFields(mapping, path, ".", problems);
    }

    public YamlNode.Mapping mapping() {
        return mapping;
    }

    /** What messages about {@code field} start with. */
    public String contextOf(String field) {
        return owner.isEmpty() ? field : owner + separator + field;
    }

    /**
     * The field's value, or empty when it is absent or written as nothing: {@code field:},
     * {@code field: null}, {@code field: ""}, or an unset {@code ${VAR:-}} in exporter.yaml.
     */
    public Optional<YamlNode> node(String field) {
        YamlNode.Entry entry = mapping.entries().get(field);
        if (entry == null || entry.value() instanceof YamlNode.Scalar scalar
                && (scalar.type() == YamlNode.ScalarType.NULL || scalar.text().isBlank())) {
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /**
     * Empty if the field is absent or written as nothing ({@code field:}: the default applies), or
     * present but invalid (then a problem is recorded).
     */
    public <T> Optional<T> optional(String field, FieldReader<T> reader) {
        Optional<YamlNode> node = node(field);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Optional<T> value = reader.read(node.get(), contextOf(field));
        failed |= value.isEmpty();
        return value;
    }

    /** The field's value, or empty and a "missing required field" problem. */
    public Optional<YamlNode> required(String field) {
        YamlNode.Entry entry = mapping.entries().get(field);
        if (entry == null) {
            problems.add(mapping.at(), (owner.isEmpty() ? "" : owner + ": ") + "missing required field '" + field + "'");
            failed = true;
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** A required field read with {@code reader}. */
    public <T> Optional<T> required(String field, FieldReader<T> reader) {
        Optional<T> value = required(field).flatMap(node -> reader.read(node, contextOf(field)));
        failed |= value.isEmpty();
        return value;
    }

    /** Records a problem about this whole mapping (a rule between fields, say) and marks it failed. */
    public void problem(String message) {
        problems.add(mapping.at(), (owner.isEmpty() ? "" : owner + ": ") + message);
        failed = true;
    }

    public boolean hadProblems() {
        return failed;
    }
}
