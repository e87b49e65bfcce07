package io.streamops.exporter.service;

import io.streamops.exporter.rules.InvalidRulesException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesHolderTest {
    private static final Set<String> RECEIVERS = Set.of("pagerduty", "email");
    private static final String ONE_RULE = """
            rules:
              - name: QueryFailed
                expr: 'status == "failed"'
                severity: critical
                notify: [pagerduty]
            """;

    private static void write(Path file, String text, int secondsAfterEpochOffset) throws Exception {
        Files.writeString(file, text);
        // Distinct modification times, whatever the file system's resolution.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(secondsAfterEpochOffset)));
    }

    @Test
    void aChangedFileIsReloadedAndABrokenOneRejectedWhileTheLastGoodRulesRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, ONE_RULE, 1);
        try (RulesHolder holder = new RulesHolder(file, RECEIVERS)) {
            assertThat(holder.get().rules().rules()).hasSize(1);
            assertThat(holder.reloadIfChanged()).as("unchanged").isFalse();

            write(file, ONE_RULE + """
                      - name: Lagging
                        expr: 'records_behind > 1000.0'
                        severity: warning
                        notify: [pagerduty]
                    """, 2);
            assertThat(holder.reloadIfChanged()).isTrue();
            assertThat(holder.get().rules().rules()).hasSize(2);

            write(file, ONE_RULE + """
                      - name: Broken
                        expr: 'no_such_signal > 1.0'
                        severity: warning
                    """, 3);
            assertThat(holder.reloadIfChanged()).isFalse();
            assertThat(holder.get().rules().rules()).as("the last good rules keep running").hasSize(2);
            assertThat(holder.lastRejected()).contains("rules.yaml:").contains("no_such_signal");

            write(file, ONE_RULE + """
                      - name: Misrouted
                        expr: 'records_behind > 1000.0'
                        severity: warning
                        notify: [pagerduty, sms]
                    """, 4);
            assertThat(holder.reloadIfChanged()).as("a rule notifying an undefined receiver").isFalse();
            assertThat(holder.get().rules().rules()).hasSize(2);
            assertThat(holder.lastRejected()).contains("rule 'Misrouted': notify: sms is not a receiver in the exporter's config");
        }
    }

    @Test
    void aBrokenFileAtStartIsAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, "rules: [", 1);
        assertThatThrownBy(() -> new RulesHolder(file, RECEIVERS)).isInstanceOf(InvalidRulesException.class);
        write(file, ONE_RULE, 2);
        assertThatThrownBy(() -> new RulesHolder(file, Set.of("email"))).isInstanceOf(InvalidRulesException.class)
                .hasMessageContaining("is not a receiver in the exporter's config (it has: email)");
    }
}
