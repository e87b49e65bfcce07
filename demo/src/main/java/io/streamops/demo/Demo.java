package io.streamops.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./scripts/demo}: starts the grocery store's pipeline and everything around it on 127.0.0.1
 * ({@link DemoStack}), prints where to look, then prints a live line per query every 2 s, the alerts, mails and
 * pages as they come, and plays the incidents ({@link Timeline}). Ctrl-C (SIGINT) or SIGTERM stops everything
 * and leaves no process behind. The repository's root is the system property {@code streamops.home}.
 */
public final class Demo {
    private static final Duration STATUS_EVERY = Duration.ofSeconds(2);

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        DemoOptions options;
        Path runDir;
        try {
            options = DemoOptions.parse(args);
            runDir = runDir(options.dir());
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path home = Path.of(System.getProperty("streamops.home", ".")).toAbsolutePath().normalize();
        Console console = new Console(start);
        console.line("starting the demo in " + runDir + " (" + options.pace().name() + " timeline)");
        CountDownLatch stopped = new CountDownLatch(1);
        DemoRun run = new DemoRun();
        Thread hook = new Thread(() -> {
            console.line("stopping: drivers, exporter, broker, receivers");
            run.close();
            console.line("stopped; nothing left running. Logs and data: " + runDir);
            stopped.countDown();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        DemoStack stack;
        try {
            stack = new DemoStack(home, runDir, options);
        } catch (Exception | Error e) {
            System.err.println("demo: could not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        run.stack = stack;
        printWhereToLook(stack, console);
        ExporterApi api = stack.api;
        AlertWatcher alerts = new AlertWatcher(api, stack.receivers, console);
        QueryStatusLines status = new QueryStatusLines(api, stack.job, console);
        Incidents incidents = new Incidents(stack.producer, stack.job, options.pace(), console);
        run.incidents = incidents;
        stack.control.ready(incidents, stack.dashboard());
        ScheduledExecutorService every = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-console");
            t.setDaemon(true);
            return t;
        });
        run.every = every;
        every.scheduleWithFixedDelay(() -> guarded(alerts::poll), 1, 1, TimeUnit.SECONDS);
        every.scheduleWithFixedDelay(() -> guarded(status::print), STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        Thread timeline = new Thread(() -> {
            awaitQueries(api, console);
            new Timeline(options.incidents(), incidents, alerts, options.pace(), console).run();
        }, "demo-timeline");
        timeline.setDaemon(true);
        run.timeline = timeline;
        timeline.start();
        stopped.await(); // until SIGINT or SIGTERM: the shutdown hook stops everything
    }

    private static void printWhereToLook(DemoStack s, Console console) {
        console.plain("");
        console.plain("streamops demo is running (started in " + String.format("%.1f", console.elapsed().toMillis() / 1000.0) + " s)");
        console.plain("  dashboard:  " + s.dashboard() + "   (its buttons ask for the API token: " + s.token.where() + ")");
        console.plain("  inbox:      " + s.control.url() + "   (the mail and PagerDuty events the exporter sent; incident buttons)");
        console.plain("  exporter:   " + s.api.base().resolve("api/queries") + "  " + s.api.base().resolve("metrics")
                + "  log " + s.runDir.resolve("exporter.log"));
        console.plain("  kafka:      " + s.broker.bootstrapServers() + "  topics " + String.join(", ", DemoStack.TOPICS));
        console.plain("  spark job:  " + GroceryJobLauncher.JOB + " (cough-syrup-alerts, store-totals) via SparkSubmit, log "
                + s.runDir.resolve("driver.log") + ", restarts " + s.runDir.resolve("restart-logs"));
        console.plain("  smtp:       127.0.0.1:" + s.receivers.smtpPort() + "   pagerduty: " + s.receivers.pagerDutyUrl());
        console.plain("  rules:      " + s.rules + " (the shipped rules, for: shortened for the demo)");
        console.plain("  control:    POST " + s.control.url() + "incidents/<" + String.join("|", Incident.names().split(", ")) + ">");
        console.plain("Ctrl-C stops everything.");
        console.plain("");
    }

    /** Waits until the exporter has a progress of both queries, so the first incident hits a running job. */
    private static void awaitQueries(ExporterApi api, Console console) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            boolean both = api.get("api/fleet?job=" + GroceryJobLauncher.JOB + "&status=active&limit=50")
                    .map(p -> p.path("total").asInt() >= 2 && java.util.stream.StreamSupport.stream(p.path("items").spliterator(), false)
                            .allMatch(q -> q.path("processingRate").isNumber())).orElse(false);
            if (both) {
                console.line("both queries are running and have finished a batch");
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("demo: " + e); // one failed poll must not end the polling
        }
    }

    /** {@code dir} if given (it must not exist or be empty), else a new temporary directory. */
    private static Path runDir(Path dir) {
        try {
            if (dir == null) {
                return Files.createTempDirectory("streamops-demo-");
            }
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--dir: " + dir + " is not empty (a run starts clean: give a new directory)");
                    }
                }
                return dir;
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--dir: cannot create " + dir + ": " + e.getMessage());
        }
    }

    /** What the shutdown hook stops; fields are set as they start. */
    private static final class DemoRun {
        volatile DemoStack stack;
        volatile Incidents incidents;
        volatile ScheduledExecutorService every;
        volatile Thread timeline;

        void close() {
            if (timeline != null) {
                timeline.interrupt();
            }
            if (every != null) {
                every.shutdownNow();
            }
            if (incidents != null) {
                incidents.close();
            }
            if (stack != null) {
                stack.close();
            }
            // Stopped while starting: whatever was launched so far.
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
