package io.streamops.exporter.silence;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.support.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
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

    /**
     * Issue 7 review, finding 2: RE2 is linear in the input, not in the pattern. These 23 characters ran a
     * 512 MB heap out of memory compiling, under the lock the router's thread needed for every check.
     */
    @Test
    void nestedCountedRepetitionsAreRefusedBeforeTheyAreCompiled() {
        Silence[] made = new Silence[1];
        Throwable refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> catchThrowable(() -> made[0] = silence(Map.of("query", "/((a{1000}){1000}){1000}/"))),
                "a hang detector, not a benchmark: it is refused before RE2 unrolls anything");
        assertThat(made[0]).isNull();
        assertThat(refused).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matcher query")
                .hasMessageContaining("{1000}").hasMessageContaining("more than " + SilenceLimits.MAX_REPEAT_COUNT);
        assertThatThrownBy(() -> silence(Map.of("job", "/(x(a{10}|b){20}){6}/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matcher job").hasMessageContaining("multiply to 1200");
        assertThat(silence(Map.of("job", "/(orders-[0-9]{1,10}){1,100}/")).mutes(alert(Map.of("job", "orders-12")), NOW))
                .as("bounded counts stay usable").isTrue();
        assertThat(silence(Map.of("job", "/x\\{1000}[{]1000}\\x{41}/")).matchers())
                .as("braces that are not counts are not counted").hasSize(1);
    }

    /** Finding 2: the matchers are compiled when the silence is made or read back, and kept in it. */
    @Test
    void aSilenceReadBackFromItsTopicMatchesLikeTheOneMade() throws Exception {
        Silence made = silence(Map.of("job", "/billing-[0-9]+/"));
        Silence read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(made), Silence.class);
        assertThat(read).isEqualTo(made);
        assertThat(read.mutes(alert(Map.of("job", "billing-7")), NOW)).isTrue();
        assertThat(read.mutes(alert(Map.of("job", "billing-x")), NOW)).isFalse();
        assertThatThrownBy(() -> Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(made).replace("billing-[0-9]+", "(a{1000}){1000}"),
                Silence.class)).as("a stored silence from before the bound is refused when read").hasMessageContaining("matcher job");
    }
}
