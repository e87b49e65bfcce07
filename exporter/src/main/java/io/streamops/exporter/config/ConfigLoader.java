package io.streamops.exporter.config;

import io.streamops.events.EventContract;
import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.restart.RestartsConfig;
import io.streamops.exporter.support.Secret;
import io.streamops.exporter.yaml.Problem;
import io.streamops.exporter.yaml.Problems;
import io.streamops.exporter.yaml.YamlFields;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlTreeReader;
import io.streamops.exporter.yaml.YamlValues;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads exporter.yaml: YAML (the same reader and value rules as the rules file), then {@code ${ENV}}
 * substitution in values, then validation of every setting and receiver. Unknown settings are errors,
 * not silently ignored. Every problem is reported (not only the first) as
 * {@code file:line:column: setting: reason}.
 */
public final class ConfigLoader {
    private static final List<String> TOP_LEVEL = List.of("kafka", "http", "rules", "status", "routing", "metrics",
            "dashboard_url", "dashboard", "data_dir", "receivers", "restarts");
    private static final List<String> KAFKA = List.of("bootstrap_servers", "events_topic", "alerts_topic", "application_id",
            "max_event_bytes", "properties", "set_log_append_time");
    private static final List<String> HTTP = List.of("host", "port", "token");
    private static final List<String> RULES = List.of("file");
    private static final List<String> STATUS = List.of("driver_lost_after", "stalled_after", "stalled_triggers", "idle_memory",
            "window", "forget_after");
    private static final List<String> ROUTING = List.of("group_wait", "group_by");
    private static final List<String> METRICS = List.of("partition_lag");

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
        Optional<YamlNode> document;
        try {
            document = YamlTreeReader.read(file.toString(), text);
        } catch (YamlTreeReader.UnreadableYaml e) {
            throw new ConfigException(e.problem().toString());
        }
        if (document.isEmpty() || !(document.get() instanceof YamlNode.Mapping)) {
            throw new ConfigException(file + ":1: the configuration must be a YAML mapping");
        }
        Problems problems = new Problems();
        YamlValues values = new YamlValues(problems);
        YamlNode.Mapping root = (YamlNode.Mapping) EnvSubstitution.apply(document.get(), env, problems);
        Path base = file.toAbsolutePath().getParent();
        Settings top = new Settings(YamlFields.section(root, "", problems), values, base);
        values.rejectUnknownKeys(root, TOP_LEVEL, "");

        Settings kafka = top.section("kafka", KAFKA);
        Optional<String> bootstrapServers = kafka.fields.required("bootstrap_servers", values::text);
        Settings http = top.section("http", HTTP);
        Settings status = top.section("status", STATUS);
        Settings routing = top.section("routing", ROUTING);
        Path dataDir = top.path("data_dir", "streamops-data");
        ExporterConfig config = new ExporterConfig(
                new ExporterConfig.Kafka(
                        bootstrapServers.orElse(""),
                        kafka.text("events_topic", EventContract.DEFAULT_TOPIC),
                        kafka.text("alerts_topic", "streamops-alerts"),
                        kafka.text("application_id", "streamops-exporter"),
                        kafka.integer("max_event_bytes", 1024 * 1024),
                        kafka.fields.optional("properties", values::settingsMap).orElse(Map.of()),
                        kafka.bool("set_log_append_time", false)),
                new ExporterConfig.Http(http.text("host", "0.0.0.0"), http.integer("port", 9465), http.fields.optional("token", values::text).map(Secret::of)),
                top.section("rules", RULES).path("file", "streamops-rules.yaml"),
                new StatusPolicy(
                        status.duration("driver_lost_after", StatusPolicy.DEFAULT.driverLostAfter()),
                        status.duration("stalled_after", StatusPolicy.DEFAULT.stalledAfter()),
                        status.integer("stalled_triggers", StatusPolicy.DEFAULT.stalledTriggers()),
                        status.duration("idle_memory", StatusPolicy.DEFAULT.idleMemory()),
                        status.duration("window", StatusPolicy.DEFAULT.window()),
                        status.duration("forget_after", StatusPolicy.DEFAULT.forgetAfter())),
                new ExporterConfig.Routing(routing.duration("group_wait", Duration.ofSeconds(1)),
                        routing.fields.optional("group_by", values::stringList).orElse(List.of("job", "alertname"))),
                new ExporterConfig.Metrics(top.section("metrics", METRICS).bool("partition_lag", false)),
                top.fields.optional("dashboard_url", (n, c) -> dashboard(values, n, c)).orElse(DashboardLinks.NONE),
                dataDir,
                top.fields.node("receivers").map(n -> new ReceiversSection(values, base).read(n)).orElse(Map.of()),
                top.fields.node("restarts").map(n -> new RestartsSection(values, base, dataDir).read(n)).orElse(RestartsConfig.NONE),
                top.fields.node("dashboard").map(n -> new DashboardSection(values).read(n)).orElse(List.of()));
        if (config.status().forgetAfter().compareTo(config.status().driverLostAfter()) <= 0) {
            problems.add(status.fields.node("forget_after").map(YamlNode::at).orElse(root.at()),
                    "status.forget_after: must be longer than status.driver_lost_after, or a query is forgotten before it is reported");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.inFileOrder().stream().map(Problem::toString).collect(Collectors.joining("\n")));
        }
        return config;
    }

    /** A path as written in exporter.yaml: relative ones are relative to the file's folder. */
    static Path resolve(Path base, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : base.resolve(p).normalize();
    }

    /** The required {@code type} that chooses which settings a mapping takes (a receiver's, a restarter's). */
    static Optional<String> type(YamlFields fields, YamlValues values, List<String> known) {
        return fields.required("type", values::text).filter(type -> {
            if (!known.contains(type)) {
                fields.problem("unknown type '" + type + "' (known: " + String.join(", ", known) + ")");
            }
            return known.contains(type);
        });
    }

    /** A URL setting. */
    static Optional<URI> uri(YamlValues values, YamlNode node, String context) {
        return values.text(node, context).flatMap(text -> {
            try {
                return Optional.of(new URI(text.trim()));
            } catch (URISyntaxException e) {
                values.problems().add(node.at(), context + ": not a URL (" + e.getReason() + ")");
                return Optional.empty();
            }
        });
    }

    /** A file the exporter must read: checked when the config is read, so check-config finds a wrong path. */
    static Optional<Path> readableFile(YamlValues values, Path base, YamlNode node, String context) {
        return values.text(node, context).map(text -> resolve(base, text)).filter(path -> {
            if (!Files.isReadable(path)) {
                values.problems().add(node.at(), context + ": cannot read " + path);
            }
            return Files.isReadable(path);
        });
    }

    /** The query-dashboard URL prefix the query id is appended to: an http(s) URL (left out or empty: no link). */
    private static Optional<DashboardLinks> dashboard(YamlValues values, YamlNode node, String context) {
        return values.text(node, context).flatMap(prefix -> {
            try {
                return Optional.of(new DashboardLinks(prefix.trim()));
            } catch (IllegalArgumentException e) {
                values.problems().add(node.at(), context + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** One section's settings with their defaults; a bad value is recorded and its default used. */
    private static final class Settings {
        final YamlFields fields;
        private final YamlValues values;
        private final Path base;

        Settings(YamlFields fields, YamlValues values, Path base) {
            this.fields = fields;
            this.values = values;
            this.base = base;
        }

        /** A nested section with its known keys; an absent or empty one ({@code status:}) gets every default. */
        Settings section(String key, List<String> known) {
            String path = fields.contextOf(key);
            YamlNode.Mapping mapping = fields.optional(key, values::mapping)
                    .orElse(new YamlNode.Mapping(fields.mapping().at(), Map.of()));
            values.rejectUnknownKeys(mapping, known, path);
            return new Settings(YamlFields.section(mapping, path, values.problems()), values, base);
        }

        String text(String key, String otherwise) {
            return fields.optional(key, values::text).orElse(otherwise);
        }

        int integer(String key, int otherwise) {
            return fields.optional(key, values::integer).orElse(otherwise);
        }

        boolean bool(String key, boolean otherwise) {
            return fields.optional(key, values::bool).orElse(otherwise);
        }

        Duration duration(String key, Duration otherwise) {
            return fields.optional(key, values::duration).orElse(otherwise);
        }

        Path path(String key, String otherwise) {
            return resolve(base, text(key, otherwise));
        }
    }
}
