package io.streamops.exporter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamops.exporter.state.StatusPolicy;
import io.streamops.exporter.support.DurationText;
import io.streamops.exporter.support.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads exporter.yaml: YAML, then {@code ${ENV}} substitution in values, then validation. Every
 * problem is reported (not only the first) as {@code file:line: setting: reason}.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_LEVEL = Set.of("kafka", "http", "rules", "status", "routing", "metrics",
            "dashboard_url", "data_dir", "receivers");

    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader fromEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    public ExporterConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return parse(text, file);
    }

    ExporterConfig parse(String text, Path file) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            throw new ConfigException(file + ":" + line + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ":1: the configuration must be a YAML mapping");
        }
        YamlLines lines = new YamlLines(text);
        List<String> problems = new ArrayList<>();
        for (String p : EnvSubstitution.apply(root, env)) {
            problems.add(p);
        }
        Reader r = new Reader(root, problems, file.getParent() == null ? Path.of(".") : file.getParent());
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                problems.add(key + ": unknown setting (known: " + String.join(", ", TOP_LEVEL) + ")");
            }
        }
        ExporterConfig config = new ExporterConfig(
                new ExporterConfig.Kafka(
                        r.text("kafka.bootstrap_servers", null),
                        r.text("kafka.events_topic", io.streamops.events.EventContract.DEFAULT_TOPIC),
                        r.text("kafka.alerts_topic", "streamops-alerts"),
                        r.text("kafka.application_id", "streamops-exporter"),
                        r.integer("kafka.max_event_bytes", 1024 * 1024),
                        r.stringMap("kafka.properties")),
                new ExporterConfig.Http(r.text("http.host", "0.0.0.0"), r.integer("http.port", 9465), r.secret("http.token")),
                r.path("rules.file", "streamops-rules.yaml"),
                new StatusPolicy(
                        r.duration("status.driver_lost_after", StatusPolicy.DEFAULT.driverLostAfter()),
                        r.duration("status.stalled_after", StatusPolicy.DEFAULT.stalledAfter()),
                        r.integer("status.stalled_triggers", StatusPolicy.DEFAULT.stalledTriggers()),
                        r.duration("status.idle_memory", StatusPolicy.DEFAULT.idleMemory()),
                        r.duration("status.window", StatusPolicy.DEFAULT.window())),
                new ExporterConfig.Routing(r.duration("routing.group_wait", Duration.ofSeconds(1)),
                        r.stringList("routing.group_by", List.of("job", "alertname"))),
                new ExporterConfig.Metrics(r.bool("metrics.partition_lag", false)),
                r.text("dashboard_url", "http://localhost:9465/"),
                r.path("data_dir", "streamops-data"),
                r.objects("receivers"));
        if (config.kafka().bootstrapServers() == null || config.kafka().bootstrapServers().isBlank()) {
            problems.add("kafka.bootstrap_servers: required");
        }
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder();
            for (String p : problems) {
                String path = p.substring(0, Math.max(0, p.indexOf(':')));
                message.append(file).append(':').append(lines.lineOf(path)).append(": ").append(p).append('\n');
            }
            throw new ConfigException(message.toString().strip());
        }
        return config;
    }

    /** Reads typed values by dotted path, collecting problems instead of stopping at the first. */
    private static final class Reader {
        private final JsonNode root;
        private final List<String> problems;
        private final Path base;

        Reader(JsonNode root, List<String> problems, Path base) {
            this.root = root;
            this.problems = problems;
            this.base = base;
        }

        JsonNode node(String path) {
            JsonNode n = root;
            for (String part : path.split("\\.")) {
                n = n.path(part);
            }
            return n;
        }

        String text(String path, String otherwise) {
            JsonNode n = node(path);
            if (n.isMissingNode() || n.isNull()) {
                return otherwise;
            }
            if (!n.isValueNode()) {
                problems.add(path + ": expected a single value");
                return otherwise;
            }
            return n.asText();
        }

        int integer(String path, int otherwise) {
            JsonNode n = node(path);
            if (n.isMissingNode() || n.isNull()) {
                return otherwise;
            }
            if (n.canConvertToInt() && n.isIntegralNumber() || n.isTextual() && n.asText().matches("-?\\d+")) {
                return n.asInt();
            }
            problems.add(path + ": expected a whole number, got '" + n.asText() + "'");
            return otherwise;
        }

        boolean bool(String path, boolean otherwise) {
            String t = text(path, null);
            if (t == null) {
                return otherwise;
            }
            return switch (t.trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> {
                    problems.add(path + ": expected true or false, got '" + t + "'");
                    yield otherwise;
                }
            };
        }

        /** Empty when the setting is absent or empty (an unset {@code ${VAR:-}}, say). */
        Optional<Secret> secret(String path) {
            String t = text(path, "");
            return t.isEmpty() ? Optional.empty() : Optional.of(Secret.of(t));
        }

        Duration duration(String path, Duration otherwise) {
            String t = text(path, null);
            if (t == null) {
                return otherwise;
            }
            Duration d = DurationText.parse(t.trim()).orElse(null);
            if (d == null) {
                problems.add(path + ": '" + t + "' is not a duration (use e.g. 500ms, 30s, 5m, 4h, 1d)");
                return otherwise;
            }
            return d;
        }

        Path path(String path, String otherwise) {
            String t = text(path, otherwise);
            Path p = Path.of(t);
            return p.isAbsolute() ? p : base.resolve(p).normalize();
        }

        Map<String, String> stringMap(String path) {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode n = node(path);
            if (n.isObject()) {
                n.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
            } else if (!n.isMissingNode() && !n.isNull()) {
                problems.add(path + ": expected a mapping");
            }
            return out;
        }

        List<String> stringList(String path, List<String> otherwise) {
            JsonNode n = node(path);
            if (n.isMissingNode() || n.isNull()) {
                return otherwise;
            }
            if (!n.isArray()) {
                problems.add(path + ": expected a list");
                return otherwise;
            }
            List<String> out = new ArrayList<>();
            n.forEach(v -> out.add(v.asText()));
            return out;
        }

        Map<String, JsonNode> objects(String path) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            JsonNode n = node(path);
            if (n.isObject()) {
                n.fields().forEachRemaining(f -> {
                    if (f.getValue().isObject()) {
                        out.put(f.getKey(), f.getValue());
                    } else {
                        problems.add(path + "." + f.getKey() + ": expected a mapping");
                    }
                });
            } else if (!n.isMissingNode() && !n.isNull()) {
                problems.add(path + ": expected a mapping");
            }
            return out;
        }
    }
}
