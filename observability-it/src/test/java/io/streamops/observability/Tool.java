package io.streamops.observability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the real command-line tools (promtool, amtool, java) and keeps what it printed. */
record Tool(int exitCode, String stdout, String stderr) {
    /** The repository's root: tests run in this module's directory. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * Runs {@code command} in {@code dir}. Its output goes to files, not pipes, so nothing blocks on reading
     * while it runs and a tool that hangs is stopped after the timeout.
     */
    static Tool run(Path dir, List<String> command) throws IOException, InterruptedException {
        File out = File.createTempFile("tool", ".out");
        File err = File.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out).redirectError(err).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + TIMEOUT_SECONDS + " s; it printed: "
                        + Files.readString(out.toPath()) + Files.readString(err.toPath()));
            }
            return new Tool(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }

    static Tool run(List<String> command) throws IOException, InterruptedException {
        return run(REPO, command);
    }

    boolean ok() {
        return exitCode == 0;
    }

    /** Everything it printed, for assertion messages. */
    String output() {
        return stdout + stderr;
    }
}
