package io.streamops.exporter.replay;

import io.streamops.exporter.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay command on real listener output: a recording of the listener's end-to-end test, where
 * five queries ran and one (audit-writer) failed with an AnalysisException.
 */
class ReplayTest {
    private static final Path RULES = Path.of("..", "alert-rules", "streamops-rules.yaml");

    private static Path recorded() throws URISyntaxException {
        return Path.of(ReplayTest.class.getResource("/recorded/listener-e2e-run.jsonl").toURI());
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void theRecordedFailureFiresQueryFailedWithItsFirstLineAndNothingElseMisfires() throws Exception {
        String[] r = run("replay", "--rules", RULES.toString(), "--events", recorded().toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        List<String> lines = r[1].lines().toList();
        assertThat(lines).filteredOn(l -> l.contains(" FIRING QueryFailed ")).singleElement().satisfies(l -> {
            assertThat(l).contains("query=audit-writer").contains("severity=critical").contains("no_such_column");
        });
        // Healthy, idle and cleanly stopped queries raise nothing (the stall and driver-lost rules included).
        assertThat(lines).noneMatch(l -> l.contains("QueryStalled") || l.contains("DriverLost"));
        assertThat(lines.get(lines.size() - 1)).matches("\\d+ events, \\d+ transitions, 0 skipped");
    }

    @Test
    void badLinesAreSkippedWithTheirLineNumberAndTheRestIsReplayed(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        List<String> recorded = Files.readAllLines(recorded());
        Files.write(events, List.of(recorded.get(0), "{broken", "{\"version\": 9}", recorded.get(1)));
        String[] r = run("replay", "--rules", RULES.toString(), "--events", events.toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[2]).contains("events.jsonl:2: malformed").contains("events.jsonl:3: unknown_version");
        assertThat(r[1]).contains("2 events, ").contains("2 skipped");
    }

    @Test
    void afterTheLastEventALostDriverMaturesAndTheStatusSettingsComeFromTheConfig(@TempDir Path dir) throws Exception {
        // Only the start of a run: then the driver falls silent.
        Path events = Files.write(dir.resolve("events.jsonl"), Files.readAllLines(recorded()).subList(0, 1));

        String[] r = run("replay", "--rules", RULES.toString(), "--events", events.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).as("one pass after the last event: too soon").contains("1 events, ").doesNotContain("DriverLost");

        r = run("replay", "--rules", RULES.toString(), "--events", events.toString(), "--after", "2m");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains(" FIRING DriverLost ");

        Path config = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "127.0.0.1:9092"}
                status: {driver_lost_after: 1h}
                """);
        r = run("replay", "--rules", RULES.toString(), "--events", events.toString(), "--after", "2m", "--config", config.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).as("driver_lost_after: 1h from the config").doesNotContain("DriverLost");
    }

    @Test
    void aStepThatIsNotPositiveOrAMissingFileIsRefusedPlainly(@TempDir Path dir) throws Exception {
        String[] r = run("replay", "--rules", RULES.toString(), "--events", recorded().toString(), "--step", "0s");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("--step: '0s' is not a positive duration");

        r = run("replay", "--rules", RULES.toString(), "--events", dir.resolve("missing.jsonl").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).startsWith("--events: cannot read ").doesNotContain("Exception");
    }
}
