package io.streamops.exporter.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * alert-rules/README.md's variables table is the table of signals ({@link Signal#ALL}) written out: same
 * names, types, meanings and order. When this fails, the message holds the table as it should read.
 */
class SignalTableDocTest {
    static final String HEADER = "| name | type | meaning |";

    @Test
    void rulesReadmeVariablesTableIsTheSignalTable() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "alert-rules", "README.md"));
        int header = readme.indexOf(HEADER);
        assertThat(header).as("alert-rules/README.md has a line " + HEADER).isNotNegative();
        String documented = readme.stream().skip(header + 2).takeWhile(line -> line.startsWith("|"))
                .collect(Collectors.joining("\n"));
        assertThat(documented).as("alert-rules/README.md's variables table, after " + HEADER).isEqualTo(expectedRows());
    }

    @Test
    void everyNumberWithAFleetSeriesHasItsOwnName() {
        List<String> names = Signal.ALL.stream().filter(s -> s.metric() != null).map(s -> s.metric().name()).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.startsWith("streamops_fleet_query_"));
    }

    static String expectedRows() {
        return Signal.ALL.stream()
                .map(s -> "| `" + s.name() + "` | " + s.type().celName() + " | " + s.meaning() + " |")
                .collect(Collectors.joining("\n"));
    }
}
