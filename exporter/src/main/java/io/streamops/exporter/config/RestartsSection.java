package io.streamops.exporter.config;

import io.streamops.exporter.restart.ArgvTemplate;
import io.streamops.exporter.restart.CommandRestarter;
import io.streamops.exporter.restart.DatabricksRestarter;
import io.streamops.exporter.restart.KubernetesRestarter;
import io.streamops.exporter.restart.RestartPolicy;
import io.streamops.exporter.restart.RestartTarget;
import io.streamops.exporter.restart.RestarterSettings;
import io.streamops.exporter.restart.RestartsConfig;
import io.streamops.exporter.restart.SparkStandaloneRestarter;
import io.streamops.exporter.rules.Glob;
import io.streamops.exporter.support.Secret;
import io.streamops.exporter.yaml.YamlFields;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlValues;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code restarts:}: the journal topic, a default {@code policy}, and {@code targets}, each with the
 * jobs it covers, a {@code restarter} whose {@code type} chooses its settings, and its own policy over the
 * default. Every problem is recorded at its place in the file; a target with any problem is left out.
 */
final class RestartsSection {
    private static final List<String> SECTION = List.of("journal_topic", "policy", "targets");
    private static final List<String> TARGET = List.of("name", "jobs", "tags", "restarter", "policy");
    private static final List<String> POLICY = List.of("max_attempts", "window", "initial_backoff", "max_backoff",
            "multiplier", "jitter", "reset_after", "progress_deadline");
    private static final List<String> TYPES = List.of("command", "spark-standalone", "databricks", "kubernetes");
    private static final Map<String, List<String>> FIELDS = Map.of(
            "command", List.of("command", "environment", "log_dir", "working_dir"),
            "spark-standalone", List.of("master", "master_ui", "app_resource", "main_class", "app_args", "spark_properties",
                    "environment_variables", "client_spark_version"),
            "databricks", List.of("workspace", "token", "job_id", "cancel_wait"),
            "kubernetes", List.of("api_server", "namespace", "name", "api_version", "token_file", "ca_file", "manifest",
                    "delete_wait"));
    private static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount/";
    private static final Duration LEAST_WAIT = Duration.ofSeconds(1);

    private final YamlValues values;
    private final Path base;
    private final Path dataDir;

    RestartsSection(YamlValues values, Path base, Path dataDir) {
        this.values = values;
        this.base = base;
        this.dataDir = dataDir;
    }

    RestartsConfig read(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = values.mapping(node, "restarts");
        if (mapping.isEmpty()) {
            return RestartsConfig.NONE;
        }
        values.rejectUnknownKeys(mapping.get(), SECTION, "restarts");
        YamlFields fields = YamlFields.section(mapping.get(), "restarts", values.problems());
        String topic = fields.optional("journal_topic", values::text).orElse(RestartsConfig.DEFAULT_JOURNAL_TOPIC);
        RestartPolicy defaults = fields.optional("policy", (n, c) -> policy(n, c, RestartPolicy.DEFAULT)).orElse(RestartPolicy.DEFAULT);
        List<RestartTarget> targets = new ArrayList<>();
        fields.optional("targets", values::sequence).ifPresent(sequence -> {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                YamlNode item = sequence.items().get(i);
                String context = "restarts.targets[" + i + "]";
                values.mapping(item, context).flatMap(target -> target(target, context, defaults, names)).ifPresent(targets::add);
            }
        });
        return new RestartsConfig(topic, targets);
    }

    private Optional<RestartTarget> target(YamlNode.Mapping mapping, String context, RestartPolicy defaults, Set<String> names) {
        values.rejectUnknownKeys(mapping, TARGET, context);
        YamlFields fields = YamlFields.section(mapping, context, values.problems());
        Optional<String> name = fields.required("name", values::text);
        name.filter(n -> !names.add(n)).ifPresent(n -> fields.problem("the name '" + n + "' is used twice"));
        List<Glob> jobs = fields.optional("jobs", values::stringList).orElse(List.of("*")).stream().map(Glob::of).toList();
        Map<String, Glob> tags = new LinkedHashMap<>();
        fields.optional("tags", (n, c) -> values.stringMap(n, c, key -> !key.isEmpty(), "is not a tag name"))
                .orElse(Map.of()).forEach((tag, pattern) -> tags.put(tag, Glob.of(pattern)));
        Optional<RestarterSettings> restarter = fields.required("restarter", values::mapping)
                .flatMap(r -> restarter(r, fields.contextOf("restarter"), name.orElse("target")));
        RestartPolicy policy = fields.optional("policy", (n, c) -> policy(n, c, defaults)).orElse(defaults);
        if (name.isEmpty() || restarter.isEmpty() || fields.hadProblems()) {
            return Optional.empty();
        }
        return Optional.of(new RestartTarget(name.get(), jobs, tags, restarter.get(), policy));
    }

    /** A policy: each field written overrides {@code base}'s; the combination is checked as a whole. */
    private Optional<RestartPolicy> policy(YamlNode node, String context, RestartPolicy base) {
        return values.mapping(node, context).flatMap(mapping -> {
            values.rejectUnknownKeys(mapping, POLICY, context);
            YamlFields fields = YamlFields.section(mapping, context, values.problems());
            RestartPolicy policy;
            try {
                policy = new RestartPolicy(
                        fields.optional("max_attempts", values::integer).orElse(base.maxAttempts()),
                        fields.optional("window", values::duration).orElse(base.window()),
                        fields.optional("initial_backoff", values::duration).orElse(base.initialBackoff()),
                        fields.optional("max_backoff", values::duration).orElse(base.maxBackoff()),
                        fields.optional("multiplier", this::number).orElse(base.multiplier()),
                        fields.optional("jitter", this::number).orElse(base.jitter()),
                        fields.optional("reset_after", values::duration).orElse(base.resetAfter()),
                        fields.optional("progress_deadline", values::duration).orElse(base.progressDeadline()));
            } catch (IllegalArgumentException e) {
                fields.problem(e.getMessage());
                return Optional.empty();
            }
            return fields.hadProblems() ? Optional.empty() : Optional.of(policy);
        });
    }

    private Optional<RestarterSettings> restarter(YamlNode.Mapping mapping, String context, String target) {
        YamlFields fields = YamlFields.section(mapping, context, values.problems());
        Optional<String> type = ConfigLoader.type(fields, values, TYPES);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        values.rejectUnknownKeys(mapping, Stream.concat(Stream.of("type"), FIELDS.get(type.get()).stream()).toList(), context);
        Optional<RestarterSettings> settings = switch (type.get()) {
            case "command" -> command(fields);
            case "spark-standalone" -> standalone(fields);
            case "databricks" -> databricks(fields);
            default -> kubernetes(fields, target);
        };
        return fields.hadProblems() ? Optional.empty() : settings;
    }

    private Optional<RestarterSettings> command(YamlFields fields) {
        Optional<ArgvTemplate> argv = fields.required("command", (n, c) -> argv(n, c, true));
        List<String> environment = fields.optional("environment", values::stringList).orElse(List.of());
        Path logDir = fields.optional("log_dir", values::text).map(p -> ConfigLoader.resolve(base, p))
                .orElse(dataDir.resolve("restart-logs"));
        Optional<Path> workingDir = fields.optional("working_dir", this::directory);
        return argv.map(a -> new CommandRestarter.CommandConfig(a, environment, logDir, workingDir));
    }

    private Optional<RestarterSettings> standalone(YamlFields fields) {
        Optional<URI> master = fields.required("master", this::httpUrl);
        Optional<URI> masterUi = fields.optional("master_ui", this::httpUrl);
        Optional<String> resource = fields.required("app_resource", values::text);
        Optional<String> mainClass = fields.required("main_class", values::text);
        ArgvTemplate args = fields.optional("app_args", (n, c) -> argv(n, c, false)).orElse(ArgvTemplate.ofArguments(List.of()));
        Optional<Map<String, String>> properties = fields.required("spark_properties",
                (n, c) -> values.stringMap(n, c, key -> !key.isEmpty(), "is not a property name"));
        properties.filter(p -> !p.containsKey("spark.app.name"))
                .ifPresent(p -> fields.problem("spark_properties: must set spark.app.name (the submission API requires it)"));
        Map<String, String> environment = fields.optional("environment_variables",
                (n, c) -> values.stringMap(n, c, key -> !key.isEmpty(), "is not a variable name")).orElse(Map.of());
        String version = fields.optional("client_spark_version", values::text).orElse("3.5.7");
        if (master.isEmpty() || resource.isEmpty() || mainClass.isEmpty() || properties.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SparkStandaloneRestarter.StandaloneConfig(master.get(), resource.get(), mainClass.get(), args,
                properties.get(), environment, version, masterUi));
    }

    private Optional<RestarterSettings> databricks(YamlFields fields) {
        Optional<URI> workspace = fields.required("workspace", this::httpUrl);
        Optional<Secret> token = fields.required("token", values::text).map(Secret::of);
        Optional<Long> jobId = fields.required("job_id", this::jobId);
        Duration cancelWait = fields.optional("cancel_wait", this::wait).orElse(Duration.ofMinutes(2));
        if (workspace.isEmpty() || token.isEmpty() || jobId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DatabricksRestarter.DatabricksConfig(workspace.get(), token.get(), jobId.get(), cancelWait));
    }

    private Optional<RestarterSettings> kubernetes(YamlFields fields, String target) {
        URI apiServer = fields.optional("api_server", this::httpUrl).orElse(URI.create("https://kubernetes.default.svc"));
        Optional<String> namespace = fields.required("namespace", values::text);
        Optional<String> name = fields.required("name", values::text);
        String apiVersion = fields.optional("api_version", values::text).filter(v -> {
            if (!KubernetesRestarter.API_VERSIONS.contains(v)) {
                fields.problem("api_version: '" + v + "' is not one of " + String.join(", ", KubernetesRestarter.API_VERSIONS));
            }
            return KubernetesRestarter.API_VERSIONS.contains(v);
        }).orElse(KubernetesRestarter.API_VERSIONS.get(0));
        Path tokenFile = readable(fields, "token_file", SERVICE_ACCOUNT + "token");
        Path caFile = readable(fields, "ca_file", SERVICE_ACCOUNT + "ca.crt");
        Optional<Path> manifest = fields.optional("manifest", (n, c) -> ConfigLoader.readableFile(values, base, n, c));
        Duration deleteWait = fields.optional("delete_wait", this::wait).orElse(Duration.ofMinutes(2));
        if (namespace.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KubernetesRestarter.KubernetesConfig(apiServer, namespace.get(), name.get(), apiVersion,
                tokenFile, caFile, dataDir.resolve("restarts").resolve(target + "-sparkapplication.json"), manifest, deleteWait));
    }

    /** A file the restarter reads: checked here, so check-config finds a wrong path (defaults included). */
    private Path readable(YamlFields fields, String key, String otherwise) {
        Path path = fields.optional(key, values::text).map(p -> ConfigLoader.resolve(base, p)).orElse(Path.of(otherwise));
        if (!Files.isReadable(path)) {
            YamlNode at = fields.node(key).orElse(fields.mapping());
            values.problems().add(at.at(), fields.contextOf(key) + ": cannot read " + path);
        }
        return path;
    }

    private Optional<Path> directory(YamlNode node, String context) {
        return values.text(node, context).map(p -> ConfigLoader.resolve(base, p)).filter(path -> {
            if (!Files.isDirectory(path)) {
                values.problems().add(node.at(), context + ": " + path + " is not a directory");
            }
            return Files.isDirectory(path);
        });
    }

    /** An argv list; placeholders only as whole arguments, each misuse reported at its element. */
    private Optional<ArgvTemplate> argv(YamlNode node, String context, boolean program) {
        return values.sequence(node, context).flatMap(sequence -> {
            List<String> arguments = new ArrayList<>();
            boolean ok = true;
            for (YamlNode item : sequence.items()) {
                Optional<String> argument = values.text(item, context);
                Optional<String> problem = argument.flatMap(ArgvTemplate::problem);
                problem.ifPresent(p -> values.problems().add(item.at(), context + ": " + p));
                ok &= argument.isPresent() && problem.isEmpty();
                argument.ifPresent(arguments::add);
            }
            if (!ok) {
                return Optional.empty();
            }
            try {
                return Optional.of(program ? ArgvTemplate.of(arguments) : ArgvTemplate.ofArguments(arguments));
            } catch (IllegalArgumentException e) {
                values.problems().add(node.at(), context + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<URI> httpUrl(YamlNode node, String context) {
        return ConfigLoader.uri(values, node, context).filter(uri -> {
            boolean http = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
            if (!http) {
                values.problems().add(node.at(), context + ": must be an http(s) URL with a host");
            }
            return http;
        });
    }

    private Optional<Long> jobId(YamlNode node, String context) {
        return values.text(node, context).flatMap(text -> {
            try {
                long id = Long.parseLong(text.trim());
                if (id > 0) {
                    return Optional.of(id);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            values.problems().add(node.at(), context + ": expected a Databricks job id (a positive whole number), found "
                    + YamlValues.quoted(node));
            return Optional.empty();
        });
    }

    private Optional<Double> number(YamlNode node, String context) {
        return values.text(node, context).flatMap(text -> {
            try {
                return Optional.of(Double.parseDouble(text.trim()));
            } catch (NumberFormatException e) {
                values.problems().add(node.at(), context + ": expected a number, found " + YamlValues.quoted(node));
                return Optional.empty();
            }
        });
    }

    /** How long to wait for a platform to finish a cancel or delete: at least a second. */
    private Optional<Duration> wait(YamlNode node, String context) {
        return values.duration(node, context).filter(d -> {
            if (d.compareTo(LEAST_WAIT) < 0) {
                values.problems().add(node.at(), context + ": must be at least 1s");
            }
            return d.compareTo(LEAST_WAIT) >= 0;
        });
    }
}
