package io.streamops.exporter.config;

import io.streamops.exporter.web.DashboardAction;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** exporter.yaml's {@code dashboard.actions}: read in order, and every bad one named with its place in the file. */
class DashboardSectionTest {
    private static final Path FILE = Path.of("/etc/streamops/exporter.yaml");
    private static final String KAFKA = "kafka: {bootstrap_servers: b:9092}\n";

    private static ExporterConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, FILE);
    }

    @Test
    void actionsAreReadInOrderAndNoneIsTheDefault() throws Exception {
        ExporterConfig config = parse(KAFKA + """
                dashboard:
                  actions:
                    - label: Replay the dead letters
                      url: https://runbooks.example.com/hooks/replay?key=abc
                    - {label: "Page the data team", url: "http://127.0.0.1:8080/page"}
                """);
        assertThat(config.dashboardActions()).containsExactly(
                new DashboardAction("Replay the dead letters", URI.create("https://runbooks.example.com/hooks/replay?key=abc")),
                new DashboardAction("Page the data team", URI.create("http://127.0.0.1:8080/page")));
        assertThat(parse(KAFKA).dashboardActions()).isEmpty();
        assertThat(parse(KAFKA + "dashboard:\n  actions: []\n").dashboardActions()).isEmpty();
    }

    @Test
    void everyBadActionIsNamedWithItsLine() {
        assertThatThrownBy(() -> parse(KAFKA + """
                dashboard:
                  actions:
                    - label: Read a file
                      url: file:///etc/passwd
                    - url: https://example.com/hook
                    - label: "%s"
                      url: https://example.com/hook
                    - label: Colour
                      url: https://example.com/hook
                      colour: red
                    - label: No host
                      url: "https:/path-only"
                  buttons: []
                """.formatted("x".repeat(61))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/etc/streamops/exporter.yaml:4:7: dashboard.actions[0]: the url must be an absolute http:// or https:// URL with a host")
                .hasMessageContaining("/etc/streamops/exporter.yaml:6:7: dashboard.actions[1]: missing required field 'label'")
                .hasMessageContaining("/etc/streamops/exporter.yaml:7:7: dashboard.actions[2]: the label must be 1 to 60 characters")
                .hasMessageContaining("/etc/streamops/exporter.yaml:11:7: dashboard.actions[3]: unknown field 'colour'")
                .hasMessageContaining("/etc/streamops/exporter.yaml:12:7: dashboard.actions[4]: the url must be an absolute")
                .hasMessageContaining("/etc/streamops/exporter.yaml:14:3: dashboard: unknown field 'buttons'");
    }
}
