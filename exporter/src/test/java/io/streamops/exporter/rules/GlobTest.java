package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only * and ? are wildcards: what a path glob or a regex would read into a name is matched as itself. */
class GlobTest {
    @Test
    void starCrossesSlashesAndOtherCharactersAreThemselves() {
        assertThat(Glob.of("team-*").matches("team-a/orders")).isTrue();
        assertThat(Glob.of("{a,b}").matches("a")).isFalse();
        assertThat(Glob.of("{a,b}").matches("{a,b}")).isTrue();
        assertThat(Glob.of("[ab]").matches("a")).isFalse();
        assertThat(Glob.of("a.b").matches("axb")).isFalse();
        assertThat(Glob.of("Grocery-*").matches("grocery-eu")).isFalse();
    }
}
