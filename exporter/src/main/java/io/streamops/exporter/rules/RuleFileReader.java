package io.streamops.exporter.rules;

import io.streamops.exporter.yaml.Problems;
import io.streamops.exporter.yaml.YamlFields;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the YAML tree of a rules file into compiled {@link Rule}s, recording every problem on the way
 * (unknown and missing fields, bad values, CEL that does not compile) instead of stopping at the first.
 * The caller only gets rules if {@link Problems#isEmpty()}.
 */
final class RuleFileReader {

    private static final List<String> TOP_LEVEL_FIELDS = List.of("rules", "defaults");
    private static final List<String> DEFAULT_FIELDS =
            List.of("for", "keep_firing_for", "severity", "notify", "repeat_interval", "send_resolved");
    private static final List<String> RULE_FIELDS = List.of("name", "expr", "for", "keep_firing_for", "severity", "labels",
            "annotations", "scope", "notify", "repeat_interval", "send_resolved", "actions");
    private static final List<String> SCOPE_FIELDS = List.of("jobs", "queries", "tags");

    /** Rule names become alertname and half of the fingerprint "rule/queryId", so no '/'. */
    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]*");
    /** Prometheus' label-name syntax, so labels survive the trip to Alertmanager. */
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Labels every transition gets from the query and rule; a rule may not override them. */
    private static final Set<String> RESERVED_LABELS = Set.of("alertname", "severity", "job", "query", "query_id");

    private final Problems problems;
    private final YamlValues values;
    private final ExpressionPositions positions;

    RuleFileReader(String fileText, Problems problems) {
        this.problems = problems;
        this.values = new YamlValues(problems);
        this.positions = new ExpressionPositions(fileText);
    }

    List<Rule> read(YamlNode root) {
        Optional<YamlNode.Mapping> top = values.mapping(root, "the file");
        if (top.isEmpty()) {
            return List.of();
        }
        values.rejectUnknownKeys(top.get(), TOP_LEVEL_FIELDS, "");
        YamlNode.Entry defaultsEntry = top.get().entries().get("defaults");
        RuleDefaults defaults = defaultsEntry == null ? RuleDefaults.BUILT_IN : readDefaults(defaultsEntry.value());

        YamlNode.Entry rulesEntry = top.get().entries().get("rules");
        if (rulesEntry == null) {
            problems.add(root.at(), "missing required field 'rules' (a list of rules)");
            return List.of();
        }
        if (rulesEntry.value() instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.ScalarType.NULL) {
            return List.of(); // "rules:" with nothing under it: an empty rule set, e.g. to switch alerting off
        }
        List<Rule> rules = new ArrayList<>();
        values.sequence(rulesEntry.value(), "rules").ifPresent(sequence -> {
            for (int i = 0; i < sequence.items().size(); i++) {
                readRule(sequence.items().get(i), i + 1, defaults).ifPresent(rules::add);
            }
        });
        rejectDuplicateNames(rules);
        return rules;
    }

    private RuleDefaults readDefaults(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = values.mapping(node, "defaults");
        if (mapping.isEmpty()) {
            return RuleDefaults.BUILT_IN;
        }
        values.rejectUnknownKeys(mapping.get(), DEFAULT_FIELDS, "defaults");
        YamlFields fields = YamlFields.of(mapping.get(), "defaults", problems);
        RuleDefaults builtIn = RuleDefaults.BUILT_IN;
        return new RuleDefaults(
                fields.optional("for", values::duration).orElse(builtIn.forDuration()),
                fields.optional("keep_firing_for", values::duration).orElse(builtIn.keepFiringFor()),
                fields.optional("severity", this::severity).orElse(builtIn.severity()),
                fields.optional("notify", values::stringList).orElse(builtIn.receivers()),
                fields.optional("repeat_interval", this::repeatInterval).orElse(builtIn.repeatInterval()),
                fields.optional("send_resolved", values::bool).orElse(builtIn.sendResolved()));
    }

    private Optional<Rule> readRule(YamlNode node, int number, RuleDefaults defaults) {
        Optional<YamlNode.Mapping> mapping = values.mapping(node, "rule #" + number);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping ruleMapping = mapping.get();
        Optional<String> name = readName(ruleMapping, number);
        String owner = name.map(n -> "rule '" + n + "'").orElse("rule #" + number);
        values.rejectUnknownKeys(ruleMapping, RULE_FIELDS, owner);
        YamlFields fields = YamlFields.of(ruleMapping, owner, problems);

        Optional<CompiledExpression> condition = fields.required("expr").flatMap(n -> compile(n, owner + ": expr", true));
        Duration forDuration = fields.optional("for", values::duration).orElse(defaults.forDuration());
        Duration keepFiringFor = fields.optional("keep_firing_for", values::duration).orElse(defaults.keepFiringFor());
        Optional<Severity> severity = fields.optional("severity", this::severity).or(() -> Optional.ofNullable(defaults.severity()));
        if (severity.isEmpty() && !ruleMapping.entries().containsKey("severity")) {
            problems.add(ruleMapping.at(), owner + ": missing required field 'severity' (or set defaults.severity)");
        }
        Map<String, String> labels = fields.optional("labels", this::readLabels).orElse(Map.of());
        Map<String, CompiledExpression> annotations = fields.optional("annotations", this::readAnnotations).orElse(Map.of());
        Scope scope = fields.optional("scope", this::readScope).orElse(Scope.ALL);
        List<String> receivers = fields.optional("notify", values::stringList).orElse(defaults.receivers());
        Duration repeatInterval = fields.optional("repeat_interval", this::repeatInterval).orElse(defaults.repeatInterval());
        boolean sendResolved = fields.optional("send_resolved", values::bool).orElse(defaults.sendResolved());
        Set<RuleAction> actions = fields.optional("actions", this::actions).orElse(Set.of());

        if (name.isEmpty() || condition.isEmpty() || severity.isEmpty() || fields.hadProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Rule(name.get(), condition.get(), forDuration, keepFiringFor, severity.get(), labels,
                annotations, scope, receivers, repeatInterval, sendResolved, actions, ruleMapping.at()));
    }

    private Optional<String> readName(YamlNode.Mapping rule, int number) {
        YamlNode.Entry entry = rule.entries().get("name");
        if (entry == null) {
            problems.add(rule.at(), "rule #" + number + ": missing required field 'name'");
            return Optional.empty();
        }
        return values.text(entry.value(), "rule #" + number + ": name").filter(name -> {
            if (RULE_NAME.matcher(name).matches()) {
                return true;
            }
            problems.add(entry.value().at(), "rule #" + number + ": name '" + name
                    + "' must start with a letter or _ and contain only letters, digits, _ . : -");
            return false;
        });
    }

    private Optional<Map<String, String>> readLabels(YamlNode node, String context) {
        return values.stringMap(node, context, key -> LABEL_NAME.matcher(key).matches() && !RESERVED_LABELS.contains(key),
                "is not a usable label name (letters, digits and _; not alertname, severity, job, query or query_id, which every alert gets)");
    }

    private Optional<Map<String, CompiledExpression>> readAnnotations(YamlNode node, String context) {
        return values.mapping(node, context).flatMap(mapping -> {
            Map<String, CompiledExpression> annotations = new LinkedHashMap<>();
            boolean ok = true;
            for (YamlNode.Entry entry : mapping.entries().values()) {
                if (!LABEL_NAME.matcher(entry.key()).matches()) {
                    problems.add(entry.keyAt(), context + ": '" + entry.key() + "' is not a usable annotation name (letters, digits and _)");
                    ok = false;
                    continue;
                }
                Optional<CompiledExpression> template = compile(entry.value(), context + "." + entry.key(), false);
                template.ifPresent(t -> annotations.put(entry.key(), t));
                ok &= template.isPresent();
            }
            return ok ? Optional.of(annotations) : Optional.empty();
        });
    }

    private Optional<Scope> readScope(YamlNode node, String context) {
        return values.mapping(node, context).flatMap(mapping -> {
            values.rejectUnknownKeys(mapping, SCOPE_FIELDS, context);
            YamlFields fields = YamlFields.of(mapping, context, problems);
            List<Glob> jobs = fields.optional("jobs", this::patternList).orElse(List.of()).stream().map(Glob::of).toList();
            List<Glob> queries = fields.optional("queries", this::patternList).orElse(List.of()).stream().map(Glob::of).toList();
            Map<String, Glob> tags = new HashMap<>();
            fields.optional("tags", (n, c) -> values.stringMap(n, c, key -> !key.isEmpty(), "is not a tag name"))
                    .orElse(Map.of())
                    .forEach((tag, pattern) -> tags.put(tag, Glob.of(pattern)));
            return fields.hadProblems() ? Optional.empty() : Optional.of(new Scope(jobs, queries, tags));
        });
    }

    /** Compiles a CEL condition or annotation template, reporting each CEL issue at its place in the file. */
    private Optional<CompiledExpression> compile(YamlNode node, String context, boolean condition) {
        return values.text(node, context).flatMap(source -> {
            RuleCel.Compilation compilation = condition ? RuleCel.compileCondition(source) : RuleCel.compileTemplate(source);
            for (RuleCel.Issue issue : compilation.issues()) {
                problems.add(positions.locate(node.at(), source, issue.line(), issue.column()), context + ": " + issue.message());
            }
            return Optional.ofNullable(compilation.expression());
        });
    }

    private void rejectDuplicateNames(List<Rule> rules) {
        Map<String, Rule> first = new HashMap<>();
        for (Rule rule : rules) {
            Rule earlier = first.putIfAbsent(rule.name(), rule);
            if (earlier != null) {
                problems.add(rule.definedAt(), "rule '" + rule.name() + "': duplicate name (first defined at line "
                        + earlier.definedAt().line() + ")");
            }
        }
    }

    /** How often a still-firing alert is sent again: 0s would re-send it on every router tick. */
    private Optional<Duration> repeatInterval(YamlNode node, String context) {
        return values.duration(node, context).filter(interval -> {
            if (interval.isZero()) {
                problems.add(node.at(), context + ": must be more than 0s (how long to wait before sending a still-firing alert again)");
            }
            return !interval.isZero();
        });
    }

    /** {@code actions: [restart]}: each a known action, once; {@code []} means none. */
    private Optional<Set<RuleAction>> actions(YamlNode node, String context) {
        return values.sequence(node, context).flatMap(sequence -> {
            Set<RuleAction> actions = EnumSet.noneOf(RuleAction.class);
            boolean ok = true;
            for (YamlNode item : sequence.items()) {
                Optional<RuleAction> action = values.text(item, context).flatMap(text -> {
                    Optional<RuleAction> known = RuleAction.fromWireName(text.trim());
                    if (known.isEmpty()) {
                        problems.add(item.at(), context + ": unknown action " + YamlValues.quoted(item)
                                + " (known: " + RuleAction.allWireNames() + ")");
                    }
                    return known;
                });
                if (action.isPresent() && !actions.add(action.get())) {
                    problems.add(item.at(), context + ": " + YamlValues.quoted(item) + " is listed twice");
                    ok = false;
                }
                ok &= action.isPresent();
            }
            return ok ? Optional.of(actions) : Optional.empty();
        });
    }

    private Optional<Severity> severity(YamlNode node, String context) {
        return values.text(node, context).flatMap(text -> {
            Optional<Severity> severity = Severity.fromWireName(text);
            if (severity.isEmpty()) {
                problems.add(node.at(), context + ": unknown severity '" + text + "' (use one of " + Severity.allWireNames() + ")");
            }
            return severity;
        });
    }

    /** A list of patterns for a scope: an empty one would match nothing, which is surely a mistake. */
    private Optional<List<String>> patternList(YamlNode node, String context) {
        return values.stringList(node, context).filter(patterns -> {
            if (patterns.isEmpty()) {
                problems.add(node.at(), context + ": must list at least one pattern (leave it out to mean all)");
            }
            return !patterns.isEmpty();
        });
    }
}
