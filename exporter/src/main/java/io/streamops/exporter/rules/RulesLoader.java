package io.streamops.exporter.rules;

import io.streamops.exporter.yaml.Problem;
import io.streamops.exporter.yaml.Problems;
import io.streamops.exporter.yaml.SourcePosition;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlTreeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads, validates and compiles a rules file (format: alert-rules/README.md) into a {@link RuleSet}.
 * Either every rule is valid and compiles, or nothing is returned and {@link InvalidRulesException} lists
 * every problem with its file, line and column: a reload can then keep the last good rule set.
 */
public final class RulesLoader {

    private RulesLoader() {}

    /** Loads a file; its messages name it as {@code file} was given (e.g. {@code alert-rules/streamops-rules.yaml}). */
    public static RuleSet load(Path file) throws InvalidRulesException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRulesException(List.of(new Problem(SourcePosition.ofFile(file.toString()), "cannot read: " + e)));
        }
        return parse(file.toString(), text);
    }

    /**
     * Loads a file whose rules may notify only the given receivers (exporter.yaml's): a rule naming
     * another is a problem like any other, so its alerts are never silently undeliverable.
     */
    public static RuleSet load(Path file, java.util.Set<String> receivers) throws InvalidRulesException {
        RuleSet rules = load(file);
        List<Problem> undefined = rules.undefinedReceivers(receivers);
        if (!undefined.isEmpty()) {
            throw new InvalidRulesException(undefined);
        }
        return rules;
    }

    /**
     * Parses rules from text.
     *
     * @param sourceName what messages call the file, e.g. {@code rules.yaml}
     */
    public static RuleSet parse(String sourceName, String text) throws InvalidRulesException {
        Optional<YamlNode> root;
        try {
            root = YamlTreeReader.read(sourceName, text);
        } catch (YamlTreeReader.UnreadableYaml e) {
            throw new InvalidRulesException(List.of(e.problem()));
        }
        if (root.isEmpty()) {
            throw new InvalidRulesException(List.of(new Problem(SourcePosition.ofFile(sourceName),
                    "the file is empty (write 'rules: []' for no rules)")));
        }
        Problems problems = new Problems();
        List<Rule> rules = new RuleFileReader(text, problems).read(root.get());
        if (!problems.isEmpty()) {
            throw new InvalidRulesException(problems.inFileOrder());
        }
        return new RuleSet(sourceName, rules);
    }
}
