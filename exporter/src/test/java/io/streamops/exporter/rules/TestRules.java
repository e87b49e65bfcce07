package io.streamops.exporter.rules;

/** Rule sets for tests, from YAML in the test itself. */
public final class TestRules {
    private TestRules() {}

    /** The rules in {@code yaml}; a test whose rules do not load fails with the loader's message. */
    public static RuleSet load(String yaml) {
        try {
            return RulesLoader.parse("test-rules.yaml", yaml);
        } catch (InvalidRulesException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
