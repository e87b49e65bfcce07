package io.streamops.exporter.silence;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.route.Silence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Issue 7, finding 10: silence matchers from API callers are bounded, compiled once, and linear-time. */
class SilenceMatchersTest {
    private static final Instant NOW = Instant.parse("2026-12-03T15:00:00Z");

    private static AlertTransition alert(Map<String, String> labels) {
        return new AlertTransition("QueryStalled/q-1", "QueryStalled", AlertPhase.FIRING, "error", labels, Map.of(), Map.of(),
                List.of("email"), Duration.ofHours(4), true, NOW, null, NOW);
    }

    private static Silence silence(Map<String, String> matchers) {
        return new Silence("s-1", matchers, NOW.minusSeconds(60), NOW.plusSeconds(3600), "ops", "maintenance");
    }

    @Test
    void exactAndWholeValueRegexMatchers() {
        SilenceMatchers m = SilenceMatchers.compile(Map.of("job", "/orders-.*/", "alertname", "QueryStalled"));

        assertThat(m.matches(Map.of("job", "orders-eu", "alertname", "QueryStalled", "query", "x"))).isTrue();
        assertThat(m.matches(Map.of("job", "eu-orders-eu", "alertname", "QueryStalled"))).as("the whole value").isFalse();
        assertThat(m.matches(Map.of("job", "orders-eu", "alertname", "QueryFailed"))).isFalse();
        assertThat(m.matches(Map.of("alertname", "QueryStalled"))).as("a missing label never matches").isFalse();
    }

    @Test
    void aPatternThatBacktracksExponentiallyElsewhereCannotStallTheRouter() {
        // java.util.regex (Java 17) backtracks exponentially on ((a+)+)+b against a run of a's: 40 of them
        // did not finish in minutes. RE2/J answers in time linear in the label.
        Silence pathological = silence(Map.of("query", "/((a+)+)+b/"));
        AlertTransition alert = alert(Map.of("query", "a".repeat(40)));

        boolean muted = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pathological.mutes(alert, NOW),
                "a hang detector, not a benchmark: a linear-time engine answers at once");

        assertThat(muted).isFalse();
    }

    @Test
    void patternsOutsideRe2SyntaxAreRefusedWhenTheSilenceIsMade() {
        // Backreferences and lookaround are what make backtracking engines super-linear; RE2 has neither.
        assertThatThrownBy(() -> silence(Map.of("query", "/(a)\\1/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matcher query").hasMessageContaining("RE2");
        assertThatThrownBy(() -> silence(Map.of("job", "/(?=orders).*/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matcher job");
        assertThatThrownBy(() -> silence(Map.of("job", "/orders-(/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matcher job");
    }

    @Test
    void matchersAreBoundedInNumberAndSize() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= SilenceLimits.MAX_MATCHERS; i++) {
            many.put("label" + i, "v");
        }
        assertThatThrownBy(() -> silence(many)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + SilenceLimits.MAX_MATCHERS);
        String huge = "/" + "a".repeat(SilenceLimits.MAX_MATCHER_CHARS) + "/";
        assertThatThrownBy(() -> silence(Map.of("query", huge))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than " + SilenceLimits.MAX_MATCHER_CHARS);
        assertThat(silence(Map.of("query", "/" + "a".repeat(SilenceLimits.MAX_MATCHER_CHARS - 2) + "/")).matchers()).hasSize(1);
    }

    @Test
    void aSilenceIsCompiledOnceNotOnEveryCheck() {
        Map<String, String> matchers = Map.of("job", "/billing-[0-9]+/");
        Silence s = silence(matchers);
        assertThat(s.mutes(alert(Map.of("job", "billing-7")), NOW)).isTrue();

        assertThat(SilenceMatchers.of(Map.of("job", "/billing-[0-9]+/"))).as("the same compiled matchers")
                .isSameAs(SilenceMatchers.of(matchers));
    }
}
