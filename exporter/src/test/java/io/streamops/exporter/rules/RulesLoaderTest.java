package io.streamops.exporter.rules;

import io.streamops.exporter.signals.TestSignals;
import io.streamops.exporter.yaml.Problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loading rules files: what is accepted, and that every problem is reported as file:line:column: reason. */
class RulesLoaderTest {

    @Test
    void unparseableYamlNamesWhereAndWhy() {
        assertThat(problems("bad-yaml.yaml")).containsExactly(
                "bad-yaml.yaml:3:29: invalid YAML: mapping values are not allowed here");
    }

    @Test
    void unknownVariablePointsAtTheIdentifier() {
        assertThat(problems("unknown-variable.yaml")).containsExactly(
                "unknown-variable.yaml:4:12: rule 'Lagging': expr: undeclared reference to 'record_behind'");
    }

    @Test
    void exprMustBeBoolAndAnnotationsMustBeStrings() {
        assertThat(problems("non-bool-expr.yaml")).containsExactly(
                "non-bool-expr.yaml:3:26: rule 'Lagging': expr: expected type 'bool' but found 'double'",
                "non-bool-expr.yaml:7:35: rule 'Lagging': annotations.description: expected type 'string' but found 'bool'");
    }

    @Test
    void badDurationsAreReportedEach() {
        assertThat(problems("bad-duration.yaml")).containsExactly(
                "bad-duration.yaml:5:10: rule 'Lagging': for: '5 minutes' is not a duration (write e.g. 500ms, 30s, 5m, 4h, 1d or 1h30m)",
                "bad-duration.yaml:6:22: rule 'Lagging': repeat_interval: '30' is not a duration (write e.g. 500ms, 30s, 5m, 4h, 1d or 1h30m)");
    }

    @Test
    void duplicateNameNamesBothPlaces() {
        assertThat(problems("duplicate-name.yaml")).containsExactly(
                "duplicate-name.yaml:6:5: rule 'Lagging': duplicate name (first defined at line 2)");
    }

    @Test
    void unknownSeverityListsTheKnownOnes() {
        assertThat(problems("unknown-severity.yaml")).containsExactly(
                "unknown-severity.yaml:4:15: rule 'Lagging': severity: unknown severity 'urgent' (use one of critical, error, warning, info)");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        assertThat(problems("several-problems.yaml")).containsExactly(
                "several-problems.yaml:4:3: defaults: unknown field 'resend' (known: for, keep_firing_for, severity, notify, repeat_interval, send_resolved)",
                "several-problems.yaml:10:5: rule 'Typo': missing required field 'expr'",
                "several-problems.yaml:11:5: rule 'Typo': unknown field 'exprs' (known: name, expr, for, keep_firing_for, severity, labels, annotations, scope, notify, repeat_interval, send_resolved, actions)",
                "several-problems.yaml:16:7: rule 'ReservedLabel': labels: 'job' is not a usable label name (letters, digits and _; not alertname, severity, job, query or query_id, which every alert gets)",
                "several-problems.yaml:23:12: rule 'MultiLine': expr: undeclared reference to 'rate_ratoi'",
                "several-problems.yaml:28:13: rule 'BadScope': scope: jobs: must list at least one pattern (leave it out to mean all)",
                "several-problems.yaml:29:7: rule 'BadScope': scope: unknown field 'tag' (known: jobs, queries, tags)",
                "several-problems.yaml:31:5: rule #6: missing required field 'name'");
    }

    @Test
    void exceptionMessageListsEveryProblemOnItsOwnLine() {
        assertThatThrownBy(() -> parse("duplicate-name.yaml"))
                .isInstanceOf(InvalidRulesException.class)
                .hasMessage("invalid rules:\n  duplicate-name.yaml:6:5: rule 'Lagging': duplicate name (first defined at line 2)");
    }

    @Test
    void defaultsFillWhatARuleLeavesOutAndRulesOverrideThem() throws InvalidRulesException {
        RuleSet rules = parse("with-defaults.yaml");

        Rule inherits = rules.rule("InheritsEverything").orElseThrow();
        assertThat(inherits.forDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(inherits.keepFiringFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(inherits.severity()).isEqualTo(Severity.ERROR);
        assertThat(inherits.receivers()).containsExactly("pagerduty");
        assertThat(inherits.repeatInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(inherits.sendResolved()).isFalse();
        assertThat(inherits.scope()).isEqualTo(Scope.ALL);
        assertThat(inherits.definedAt()).hasToString("with-defaults.yaml:10:5");

        Rule overrides = rules.rule("OverridesEverything").orElseThrow();
        assertThat(overrides.forDuration()).isZero();
        assertThat(overrides.keepFiringFor()).isZero();
        assertThat(overrides.severity()).isEqualTo(Severity.INFO);
        assertThat(overrides.receivers()).containsExactly("email", "webhook");
        assertThat(overrides.repeatInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(overrides.sendResolved()).isTrue();
        assertThat(overrides.labels()).containsOnly(entry("team", "data"), entry("tier", "1"));
        assertThat(overrides.scope().jobs()).containsExactly(Glob.of("grocery-*"));
        assertThat(overrides.scope().tags()).containsOnlyKeys("env");

        assertThat(rules.undefinedReceivers(Set.of("email", "pagerduty", "webhook"))).isEmpty();
        assertThat(rules.undefinedReceivers(Set.of("email", "pagerduty"))).extracting(Problem::message)
                .containsExactly("rule 'OverridesEverything': notify: webhook is not a receiver in the exporter's config (it has: email, pagerduty)");
    }

    @Test
    void builtInDefaultsWithoutADefaultsBlock() throws InvalidRulesException {
        Rule rule = RulesLoader.parse("r.yaml", """
                rules:
                  - name: A
                    expr: status == "failed"
                    severity: info
                """).rules().get(0);
        assertThat(rule.forDuration()).isZero();
        assertThat(rule.keepFiringFor()).isZero();
        assertThat(rule.receivers()).isEmpty();
        assertThat(rule.repeatInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(rule.sendResolved()).isTrue();
        assertThat(rule.annotations()).isEmpty();
    }

    @Test
    void anEmptyNotifyOverridesTheDefaultReceivers() throws InvalidRulesException {
        Rule rule = RulesLoader.parse("r.yaml", """
                defaults: {severity: info, notify: [email]}
                rules:
                  - name: Quiet
                    expr: status == "idle"
                    notify: []
                """).rules().get(0);
        assertThat(rule.receivers()).isEmpty();
    }

    @Test
    void severityIsRequiredWithoutADefault() {
        assertThat(problemsOf("rules:\n  - name: A\n    expr: 'true'\n"))
                .containsExactly("r.yaml:2:5: rule 'A': missing required field 'severity' (or set defaults.severity)");
    }

    @Test
    void fileLevelProblems() {
        assertThat(problemsOf("")).containsExactly("r.yaml: the file is empty (write 'rules: []' for no rules)");
        assertThat(problemsOf("# only a comment\n")).containsExactly("r.yaml: the file is empty (write 'rules: []' for no rules)");
        assertThat(problemsOf("- a\n- b\n")).containsExactly("r.yaml:1:1: the file: expected a mapping, found a list");
        assertThat(problemsOf("defaults: {severity: info}\n")).containsExactly("r.yaml:1:1: missing required field 'rules' (a list of rules)");
        assertThat(problemsOf("rules: {}\n")).containsExactly("r.yaml:1:8: rules: expected a list, found a mapping");
        assertThat(problemsOf("rules: []\nrules: []\n")).containsExactly("r.yaml:2:1: duplicate key 'rules' (first at line 1)");
        assertThat(problemsOf("rules: []\n---\nrules: []\n")).containsExactly("r.yaml:3:1: only one YAML document is allowed ('---' starts a second)");
        assertThat(problemsOf("rules:\n  - name: 'A/B'\n    expr: 'true'\n    severity: info\n"))
                .containsExactly("r.yaml:2:11: rule #1: name 'A/B' must start with a letter or _ and contain only letters, digits, _ . : -");
    }

    @Test
    void emptyRuleListsAreAllowed() throws InvalidRulesException {
        assertThat(RulesLoader.parse("r.yaml", "rules: []\n").rules()).isEmpty();
        assertThat(RulesLoader.parse("r.yaml", "rules:\n").rules()).isEmpty();
    }

    @Test
    void wrongValueTypesSayWhatWasExpected() {
        assertThat(problemsOf("""
                rules:
                  - name: A
                    expr: 'true'
                    severity: info
                    send_resolved: maybe
                    notify: email
                    labels: [a]
                    annotations: {summary: 42}
                    repeat_interval: 0s
                """)).containsExactly(
                "r.yaml:5:20: rule 'A': send_resolved: expected true or false, found 'maybe'",
                "r.yaml:6:13: rule 'A': notify: expected a list, found a string",
                "r.yaml:7:13: rule 'A': labels: expected a mapping, found a list",
                "r.yaml:8:28: rule 'A': annotations.summary: expected type 'string' but found 'int'",
                "r.yaml:9:22: rule 'A': repeat_interval: must be more than 0s (how long to wait before sending a still-firing alert again)");
    }

    @Test
    void celSyntaxErrorsAreReportedWithTheirPosition() {
        assertThat(problemsOf("rules:\n  - name: A\n    expr: \"input_rate > \"\n    severity: info\n"))
                .singleElement().asString()
                .startsWith("r.yaml:3:25: rule 'A': expr: mismatched input '<EOF>'");
    }

    @Test
    void celFeaturesRulesMayUse() throws InvalidRulesException {
        RuleSet rules = RulesLoader.parse("r.yaml", """
                rules:
                  - name: Mixed
                    # int literal against a double signal; map access with a presence test; string functions
                    expr: 'input_rate > 0.0 && "env" in tags && tags["env"] == "prod" && job.startsWith("grocery") && consecutive_failures < 3'
                    severity: info
                    annotations:
                      summary: 'query + " " + humanize(input_rate) + " rows/s " + humanize_bytes(state_memory_bytes) + " " + humanize_duration(seconds_since_progress) + " " + job.upperAscii()'
                """);
        RuleSetEvaluation evaluation = rules.evaluate(TestSignals.healthy().build());
        assertThat(evaluation.matching()).hasSize(1);
        assertThat(evaluation.errors()).isEmpty();
    }

    @Test
    void comparingADoubleSignalWithAnIntLiteralIsRejectedWithAHint() {
        // cel-java would order NaN above every int, so `NaN > 0` would fire on an unknown signal
        assertThat(problemsOf("rules:\n  - name: A\n    expr: input_rate > 0\n    severity: info\n")).containsExactly(
                "r.yaml:3:22: rule 'A': expr: found no matching overload for '_>_' applied to '(double, int)': "
                        + "the signals are doubles, so write numbers with a decimal point (0.0, not 0)");
    }

    @Test
    void loadNamesTheFileAsGivenAndReportsUnreadableFiles() {
        Path missing = Path.of("no", "such", "rules.yaml");
        assertThatThrownBy(() -> RulesLoader.load(missing))
                .isInstanceOf(InvalidRulesException.class)
                .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).singleElement().asString()
                        .startsWith(missing + ": cannot read: java.nio.file.NoSuchFileException"));
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }

    /** The problems of a file under src/test/resources/rules/, as the lines a user sees. */
    private static List<String> problems(String resource) {
        try {
            parse(resource);
        } catch (InvalidRulesException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError(resource + " loaded without problems");
    }

    private static List<String> problemsOf(String text) {
        try {
            RulesLoader.parse("r.yaml", text);
        } catch (InvalidRulesException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("loaded without problems:\n" + text);
    }

    private static RuleSet parse(String resource) throws InvalidRulesException {
        try (InputStream in = RulesLoaderTest.class.getResourceAsStream("/rules/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource rules/" + resource);
            }
            return RulesLoader.parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
