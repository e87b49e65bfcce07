package io.streamops.exporter.restart;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The {@code command} restarter: runs an argv list (typically a {@code spark-submit} line) with
 * {@link ProcessBuilder}, never through a shell. Event values enter only as whole arguments
 * ({@link ArgvTemplate}). The child gets only the environment variables named in the allowlist (the
 * exporter's own environment may hold its secrets), and its output goes to a log file per attempt.
 *
 * <p>Both kinds of launcher work: one that keeps running (client mode, the driver is the child) and one
 * that exits after submitting (cluster mode). Either way {@link Launch#exit()} completes with the exit
 * code; a non-zero one is a failed attempt known at once. A child of an earlier attempt that is still
 * running (a stalled client-mode driver, or one an operator restarts by hand) is stopped, with the
 * processes it started (a launcher script's JVM), before the next starts: two drivers on one checkpoint
 * would fight over it. A driver the exporter did not launch is not known to it and is not stopped.
 */
public final class CommandRestarter implements Restarter {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final CommandConfig config;
    private final Function<String, String> environment;

    /** @param environment the exporter's environment, from which only allowlisted names are passed on */
    public CommandRestarter(CommandConfig config, Function<String, String> environment) {
        this.config = config;
        this.environment = environment;
    }

    /**
     * @param argv        the command line template
     * @param environment names of the exporter's environment variables the child may see
     * @param logDir      where each attempt's output goes, one file per attempt
     * @param workingDir  the child's working directory
     */
    public record CommandConfig(ArgvTemplate argv, List<String> environment, Path logDir, Optional<Path> workingDir) implements RestarterSettings {
        public CommandConfig {
            environment = List.copyOf(environment);
        }
    }

    @Override
    public Launch restart(RestartRequest request) throws RestartException {
        List<String> argv;
        try {
            argv = config.argv().render(request.subject());
        } catch (IllegalArgumentException e) {
            throw new RestartException("not restarted: " + e.getMessage(), e);
        }
        stopPrevious(request.previous());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        for (String name : config.environment()) {
            String value = environment.apply(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        config.workingDir().ifPresent(dir -> builder.directory(dir.toFile()));
        Path log = logFile(request);
        try {
            Files.createDirectories(config.logDir());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = builder.start();
            CompletableFuture<Integer> exit = process.onExit().thenApply(Process::exitValue);
            return new Launch(handleOf(process.toHandle()), Optional.of(exit));
        } catch (IOException | RuntimeException e) {
            throw new RestartException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** The attempt's log: the job name is encoded, so no name can point the file elsewhere. */
    public Path logFile(RestartRequest request) {
        return config.logDir().resolve("restart-" + URLEncoder.encode(request.subject().job(), StandardCharsets.UTF_8)
                + "-" + request.sequence() + ".log");
    }

    /** {@code pid@start}: the start time tells a reused pid from our child. */
    static String handleOf(ProcessHandle process) {
        return process.pid() + "@" + process.info().startInstant().map(Instant::toString).orElse("");
    }

    /**
     * Stops the child of the previous attempt if it still runs, and what it started: politely (SIGTERM, so
     * Spark stops its queries and the listener reports them stopped), then forcibly after a grace period.
     */
    private static void stopPrevious(String handle) throws RestartException {
        int at = handle.indexOf('@');
        if (at <= 0) {
            return;
        }
        Optional<ProcessHandle> previous;
        try {
            previous = ProcessHandle.of(Long.parseLong(handle.substring(0, at)))
                    .filter(p -> handleOf(p).equals(handle) && p.isAlive());
        } catch (NumberFormatException e) {
            return;
        }
        if (previous.isEmpty()) {
            return;
        }
        ProcessHandle process = previous.get();
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle member : tree) {
            try {
                member.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                member.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RestartException("interrupted stopping the previous attempt's process " + process.pid(), e);
            } catch (ExecutionException e) {
                throw new RestartException("cannot stop the previous attempt's process " + member.pid(), e);
            }
        }
    }
}
