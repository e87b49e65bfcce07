package io.streamops.exporter.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;

/** Which line of a YAML text each setting path ({@code receivers.pagerduty.routing_key}) is on, for error messages. */
final class YamlLines {
    private final Map<String, Integer> lines = new HashMap<>();

    YamlLines(String yaml) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
            if (root != null) {
                index(root, "");
            }
        } catch (RuntimeException e) {
            // A syntax error is reported by the parser itself, with its own line.
        }
    }

    /** The 1-based line of {@code path}, or of its nearest parent that has one; 1 if none. */
    int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 1;
    }

    private void index(Node node, String path) {
        if (!path.isEmpty()) {
            lines.put(path, node.getStartMark().getLine() + 1);
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                    lines.put(child, key.getStartMark().getLine() + 1);
                    index(tuple.getValueNode(), child);
                    lines.put(child, key.getStartMark().getLine() + 1);
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                index(sequence.getValue().get(i), path + "[" + i + "]");
            }
        }
    }
}
