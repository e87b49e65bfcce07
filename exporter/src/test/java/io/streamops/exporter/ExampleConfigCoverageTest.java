package io.streamops.exporter;

import io.streamops.exporter.config.ConfigException;
import io.streamops.exporter.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 7, finding 13: exporter.example.yaml "documents every setting" (README), and the PagerDuty
 * receiver's {@code url} was accepted but missing from it. Which settings the loader accepts is asked of
 * the loader itself, as a user would learn it: an unknown setting in each section is an error that lists
 * the section's known ones. Each of those must appear in the example, in the same section (commented
 * out or not): for a receiver or restarter, in the block of its type.
 */
class ExampleConfigCoverageTest {
    private static final Path EXAMPLE = Path.of("exporter.example.yaml");
    private static final Pattern KNOWN = Pattern.compile(":(\\d+):\\d+: .*unknown field 'zz_probe' \\(known: ([^)]*)\\)");
    private static final Pattern KEY = Pattern.compile("^( *)([a-z_]+):(\\s|$)");
    private static final List<String> RECEIVER_TYPES = List.of("pagerduty", "email", "webhook", "alertmanager");
    private static final List<String> RESTARTER_TYPES = List.of("command", "spark-standalone", "databricks", "kubernetes");

    @TempDir
    Path dir;

    @Test
    void everySettingTheLoaderAcceptsIsInTheExample() throws Exception {
        Map<String, Set<String>> accepted = acceptedBySection();
        assertThat(accepted.keySet()).as("every section answered with its known settings")
                .contains("top", "kafka", "http", "status", "routing", "metrics", "restarts", "restarts.policy",
                        "restarts.target", "receiver pagerduty", "restarter command");
        List<String> example = uncommented(Files.readAllLines(EXAMPLE));

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> section : accepted.entrySet()) {
            Set<String> documented = documented(example, section.getKey());
            for (String key : section.getValue()) {
                if (!documented.contains(key) && !documentedForEveryType(example, accepted, section.getKey(), key)) {
                    missing.add(section.getKey() + ": " + key);
                }
            }
        }
        assertThat(missing).as("settings the loader accepts but exporter.example.yaml does not show").isEmpty();
    }

    /** Asks the loader: a probe key in every section, and the known keys each rejection lists, by section. */
    private Map<String, Set<String>> acceptedBySection() throws Exception {
        List<String> yaml = new ArrayList<>();
        Map<Integer, String> sectionAtLine = new LinkedHashMap<>();
        probe(yaml, sectionAtLine, "top", "zz_probe: 1");
        for (String section : List.of("kafka", "http", "rules", "status", "routing", "metrics")) {
            yaml.add(section + ":");
            probe(yaml, sectionAtLine, section, "  zz_probe: 1");
        }
        yaml.add("receivers:");
        for (String type : RECEIVER_TYPES) {
            yaml.add("  r-" + type + ":");
            yaml.add("    type: " + type);
            probe(yaml, sectionAtLine, "receiver " + type, "    zz_probe: 1");
        }
        yaml.add("restarts:");
        probe(yaml, sectionAtLine, "restarts", "  zz_probe: 1");
        yaml.add("  policy:");
        probe(yaml, sectionAtLine, "restarts.policy", "    zz_probe: 1");
        yaml.add("  targets:");
        for (String type : RESTARTER_TYPES) {
            yaml.add("    - name: t-" + type);
            if (type.equals("command")) {
                probe(yaml, sectionAtLine, "restarts.target", "      zz_probe: 1");
            }
            yaml.add("      restarter:");
            yaml.add("        type: " + type);
            probe(yaml, sectionAtLine, "restarter " + type, "        zz_probe: 1");
        }
        Path config = dir.resolve("probe.yaml");
        Files.write(config, yaml);

        Throwable thrown = null;
        try {
            new ConfigLoader(name -> null).load(config);
            fail("a config full of unknown settings was accepted");
        } catch (ConfigException e) {
            thrown = e;
        }
        Map<String, Set<String>> accepted = new LinkedHashMap<>();
        Matcher m = KNOWN.matcher(thrown.getMessage());
        while (m.find()) {
            String section = sectionAtLine.get(Integer.parseInt(m.group(1)));
            if (section != null) {
                accepted.put(section, new LinkedHashSet<>(List.of(m.group(2).split(", "))));
            }
        }
        return accepted;
    }

    private static void probe(List<String> yaml, Map<Integer, String> sectionAtLine, String section, String line) {
        yaml.add(line);
        sectionAtLine.put(yaml.size(), section);
    }

    /** The keys the example shows for a section. */
    private static Set<String> documented(List<String> example, String section) {
        if (section.equals("top")) {
            return keysAt(example, 0, 0);
        }
        if (section.startsWith("receiver ") || section.startsWith("restarter ")) {
            return typeBlocks(example, section.substring(section.indexOf(' ') + 1));
        }
        if (section.equals("restarts.policy")) {
            int restarts = headerLine(example, "restarts", 0, 0);
            return childrenOf(example, headerLine(example, "policy", restarts + 1, 2));
        }
        if (section.equals("restarts.target")) {
            int restarts = headerLine(example, "restarts", 0, 0);
            return childrenOf(example, headerLine(example, "targets", restarts + 1, 2));
        }
        return childrenOf(example, headerLine(example, section, 0, 0));
    }

    /** A receiver (or restarter) key every type accepts is documented once, in any block of that kind. */
    private static boolean documentedForEveryType(List<String> example, Map<String, Set<String>> accepted, String section,
                                                  String key) {
        if (!section.contains(" ")) {
            return false;
        }
        String kind = section.substring(0, section.indexOf(' '));
        List<String> types = kind.equals("receiver") ? RECEIVER_TYPES : RESTARTER_TYPES;
        for (String type : types) {
            if (!accepted.getOrDefault(kind + " " + type, Set.of()).contains(key)) {
                return false;
            }
        }
        return types.stream().anyMatch(type -> typeBlocks(example, type).contains(key));
    }

    /** The keys beside every {@code type: <type>} line, at its indentation. */
    private static Set<String> typeBlocks(List<String> example, String type) {
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < example.size(); i++) {
            Matcher m = KEY.matcher(example.get(i));
            if (m.find() && m.group(2).equals("type") && example.get(i).substring(m.end()).trim().split("\\s")[0].equals(type)) {
                int indent = m.group(1).length();
                int start = i;
                while (start > 0 && indentOf(example.get(start - 1)) >= indent) {
                    start--;
                }
                keys.addAll(keysAt(example.subList(start, example.size()), indent, indent));
            }
        }
        return keys;
    }

    private static int headerLine(List<String> example, String key, int from, int indent) {
        for (int i = from; i < example.size(); i++) {
            Matcher m = KEY.matcher(example.get(i));
            if (m.find() && m.group(2).equals(key) && m.group(1).length() == indent) {
                return i;
            }
        }
        throw new AssertionError("exporter.example.yaml has no '" + key + ":' at indentation " + indent);
    }

    /** Keys of the block below line {@code header}, at the indentation of its first key. */
    private static Set<String> childrenOf(List<String> example, int header) {
        int parent = indentOf(example.get(header));
        for (int i = header + 1; i < example.size(); i++) {
            Matcher m = KEY.matcher(example.get(i));
            if (m.find()) {
                int indent = m.group(1).length();
                return indent > parent ? keysAt(example.subList(i, example.size()), indent, parent + 1) : Set.of();
            }
        }
        return Set.of();
    }

    /** Keys at exactly {@code indent}, from the top, until a key line less indented than {@code floor}. */
    private static Set<String> keysAt(List<String> lines, int indent, int floor) {
        Set<String> keys = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher m = KEY.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (m.group(1).length() < floor) {
                break;
            }
            if (m.group(1).length() == indent) {
                keys.add(m.group(2));
            }
        }
        return keys;
    }

    private static int indentOf(String line) {
        Matcher m = KEY.matcher(line);
        return m.find() ? m.group(1).length() : Integer.MAX_VALUE;
    }

    /** The example with its commented-out settings shown as settings, and list dashes as indentation. */
    private static List<String> uncommented(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String l = line;
            while (l.matches("^ *#.*")) { // "#   #   log_dir: ..." is a commented-out optional setting of a commented-out block
                l = l.replaceFirst("^( *)# ?", "$1");
            }
            out.add(l.replaceFirst("^( *)- ", "$1  "));
        }
        return out;
    }

    @Test
    void theProbeItselfIsRejected() throws Exception {
        Path config = dir.resolve("one.yaml");
        Files.write(config, List.of("zz_probe: 1"));
        assertThatThrownBy(() -> new ConfigLoader(name -> null).load(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown field 'zz_probe' (known: ");
    }
}
