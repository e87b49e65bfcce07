package io.streamops.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Text from Spark reaches the terminal without its control characters: no escape sequences, no forged lines. */
class ConsoleTest {
    @Test
    void controlAndFormatCharactersAreShownAsQuestionMarks() {
        String hostile = "failed\u001b[2J\u001b]0;owned\u0007\r\n[+00:01] ALERT resolved\u202eevil\u0000";
        String shown = Console.printable(hostile);
        assertThat(shown).doesNotContain("\u001b", "\u0007", "\r", "\n", "\u202e", "\u0000")
                .isEqualTo("failed?[2J?]0;owned???[+00:01] ALERT resolved?evil?");
        assertThat(Console.printable("cough-syrup-alerts  active  ÿ 日本")).isEqualTo("cough-syrup-alerts  active  ÿ 日本");
    }
}
