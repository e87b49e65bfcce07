package io.streamops.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:/path}} in the string values of a parsed
 * config, so secrets stay out of the file. Done on parsed values, not on the text, so a password with
 * YAML's special characters in it stays a password. A missing variable is an error naming the setting.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(file:)?([^}:]+)(?::-([^}]*))?}");

    private EnvSubstitution() {
    }

    /** Substitutes in place; returns every problem found (empty when all resolved). */
    static List<String> apply(JsonNode root, Function<String, String> env) {
        List<String> problems = new ArrayList<>();
        walk(root, "", env, problems);
        return problems;
    }

    private static void walk(JsonNode node, String path, Function<String, String> env, List<String> problems) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            fields.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> f : entries) {
                String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (f.getValue().isTextual()) {
                    object.set(f.getKey(), new TextNode(substitute(f.getValue().asText(), child, env, problems)));
                } else {
                    walk(f.getValue(), child, env, problems);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String child = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(substitute(array.get(i).asText(), child, env, problems)));
                } else {
                    walk(array.get(i), child, env, problems);
                }
            }
        }
    }

    private static String substitute(String value, String path, Function<String, String> env, List<String> problems) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(m, path, env, problems)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String resolve(Matcher m, String path, Function<String, String> env, List<String> problems) {
        String name = m.group(2).trim();
        if (m.group(1) != null) {
            try {
                return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                problems.add(path + ": cannot read secret file " + name + " (" + e.getClass().getSimpleName() + ")");
                return "";
            }
        }
        String value = env.apply(name);
        if (value != null) {
            return value;
        }
        if (m.group(3) != null) {
            return m.group(3);
        }
        problems.add(path + ": environment variable " + name + " is not set");
        return "";
    }
}
