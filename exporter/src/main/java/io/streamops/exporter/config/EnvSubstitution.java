package io.streamops.exporter.config;

import io.streamops.exporter.yaml.Problems;
import io.streamops.exporter.yaml.YamlNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:/path}} in the string values of a parsed
 * config, so secrets stay out of the file. Done on parsed values, not on the text, so a password with
 * YAML's special characters in it stays a password, and every value keeps its place in the file for
 * error messages. A missing variable or unreadable file is a problem naming the setting, never a value.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(file:)?([^}:]+)(?::-([^}]*))?}");

    private final Function<String, String> env;
    private final Problems problems;

    private EnvSubstitution(Function<String, String> env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    /** {@code root} with every reference in a string value resolved; problems are recorded, not thrown. */
    static YamlNode apply(YamlNode root, Function<String, String> env, Problems problems) {
        return new EnvSubstitution(env, problems).walk(root, "");
    }

    private YamlNode walk(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping mapping) {
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            mapping.entries().forEach((key, entry) -> entries.put(key, new YamlNode.Entry(key, entry.keyAt(),
                    walk(entry.value(), path.isEmpty() ? key : path + "." + key))));
            return new YamlNode.Mapping(mapping.at(), entries);
        }
        if (node instanceof YamlNode.Sequence sequence) {
            List<YamlNode> items = new ArrayList<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                items.add(walk(sequence.items().get(i), path + "[" + i + "]"));
            }
            return new YamlNode.Sequence(sequence.at(), items);
        }
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.ScalarType.STRING
                && scalar.text().contains("${")) {
            return new YamlNode.Scalar(scalar.at(), substitute(scalar, path), YamlNode.ScalarType.STRING, scalar.text());
        }
        return node;
    }

    private String substitute(YamlNode.Scalar scalar, String path) {
        Matcher m = REFERENCE.matcher(scalar.text());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(m, scalar, path)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String resolve(Matcher m, YamlNode.Scalar scalar, String path) {
        String name = m.group(2).trim();
        if (m.group(1) != null) {
            try {
                return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                problems.add(scalar.at(), path + ": cannot read secret file " + name + " (" + e.getClass().getSimpleName() + ")");
                return m.group(); // left as written, so the value reads as set and is not reported again
            }
        }
        String value = env.apply(name);
        if (value != null) {
            return value;
        }
        if (m.group(3) != null) {
            return m.group(3);
        }
        problems.add(scalar.at(), path + ": environment variable " + name + " is not set");
        return m.group();
    }
}
