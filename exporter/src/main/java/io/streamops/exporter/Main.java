package io.streamops.exporter;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.config.ConfigException;
import io.streamops.exporter.config.ConfigLoader;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.replay.Replay;
import io.streamops.exporter.rules.InvalidRulesException;
import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.rules.RulesLoader;
import io.streamops.exporter.service.ExporterService;
import io.streamops.exporter.support.DurationText;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar streamops-exporter.jar run|check-config|replay ...} */
@Command(name = "streamops-exporter", mixinStandardHelpOptions = true,
        subcommands = {Main.Run.class, Main.CheckConfig.class, Main.ReplayCommand.class},
        description = "Turns streamops listener events into fleet metrics, alerts and notifications.")
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "run", description = "Run the exporter.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "exporter.yaml")
        Path config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ExporterService service;
            try {
                ExporterConfig c = ConfigLoader.fromEnvironment().load(config);
                String instance = InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
                service = new ExporterService(c, instance);
            } catch (ConfigException | InvalidRulesException | IllegalStateException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            } catch (java.net.BindException e) {
                spec.commandLine().getErr().println(config + ": http.port: cannot listen there (" + e.getMessage() + ")");
                return 1;
            }
            // The JVM halts as soon as its shutdown hooks return, so the close (commit offsets, stop the
            // delivery queue, release data_dir) has to run inside the hook, not after a signal to main.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    service.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(Main.class).warn("exporter did not close cleanly", e);
                }
            }, "exporter-shutdown"));
            service.start();
            new CountDownLatch(1).await(); // until SIGTERM or SIGINT runs the hook
            return 0;
        }
    }

    @Command(name = "check-config", description = "Validate exporter.yaml and its rules file; exit 1 with file:line: reason.")
    static final class CheckConfig implements Callable<Integer> {
        @Option(names = "--config", required = true)
        Path config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<String> problems = new ArrayList<>();
            ExporterConfig c = null;
            try {
                c = ConfigLoader.fromEnvironment().load(config);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
            if (c != null) {
                try {
                    RuleSet rules = RulesLoader.load(c.rulesFile(), c.receivers().keySet());
                    out.println("ok: " + config + " and " + rules.rules().size() + " rules in " + c.rulesFile());
                } catch (InvalidRulesException e) {
                    e.problems().forEach(p -> problems.add(p.toString()));
                } catch (RuntimeException e) {
                    problems.add(c.rulesFile() + ": " + e.getMessage());
                }
            }
            problems.forEach(err::println);
            return problems.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "replay", description = "Feed recorded events through the rules on their own timestamps; print what would fire and resolve.")
    static final class ReplayCommand implements Callable<Integer> {
        @Option(names = "--rules", required = true)
        Path rules;

        @Option(names = "--events", required = true, description = "one JSON event per line")
        Path events;

        @Option(names = "--step", defaultValue = "1s", description = "evaluation interval in event time")
        String step;

        @Option(names = "--after", defaultValue = "0s",
                description = "go on evaluating this long after the last event, so `for`, stalls and lost drivers can mature")
        String after;

        @Option(names = "--config", description = "exporter.yaml whose status settings (driver_lost_after, ...) to use; else the defaults")
        Path config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RuleStage stage;
            try {
                stage = new RuleStage(RulesLoader.load(rules));
            } catch (InvalidRulesException e) {
                e.problems().forEach(err::println);
                return 1;
            }
            Duration interval = DurationText.parse(step).orElse(null);
            if (interval == null || interval.isZero()) {
                err.println("--step: '" + step + "' is not a positive duration (e.g. 1s, 500ms)");
                return 1;
            }
            Duration afterLast = DurationText.parse(after).orElse(null);
            if (afterLast == null) {
                err.println("--after: '" + after + "' is not a duration (e.g. 0s, 10m)");
                return 1;
            }
            StatusPolicy policy = StatusPolicy.DEFAULT;
            if (config != null) {
                try {
                    policy = ConfigLoader.fromEnvironment().load(config).status();
                } catch (ConfigException e) {
                    err.println(e.getMessage());
                    return 1;
                }
            }
            if (!Files.isReadable(events)) {
                err.println("--events: cannot read " + events);
                return 1;
            }
            QueryEvaluation evaluation = new QueryEvaluation(policy, () -> stage,
                    errors -> errors.forEach(e -> err.println("rule error: " + e)));
            Replay.Result result = new Replay(evaluation, new EventParser(1024 * 1024), interval, afterLast).run(events);
            result.skipped().forEach(s -> err.println("skipped " + s));
            for (AlertTransition t : result.transitions()) {
                out.println(t.at() + " " + t.phase().wireName().toUpperCase() + " " + t.rule() + " job=" + t.labels().get("job")
                        + " query=" + t.labels().get("query") + " severity=" + t.severity()
                        + " summary=" + t.annotations().getOrDefault("summary", "").replace('\n', ' '));
            }
            out.println(result.events() + " events, " + result.transitions().size() + " transitions, " + result.skipped().size() + " skipped");
            return 0;
        }
    }
}
