package io.streamops.observability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the real command-line tools (promtool, amtool, java) and keeps what it printed. */
record Tool(int exitCode, String stdout, String stderr) {
    /** The repository's root: tests run in this module's directory. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static Tool run(Path dir, List<String> command) throws IOException, InterruptedException {
        File err = File.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 120 s");
            }
            return new Tool(p.exitValue(), out, Files.readString(err.toPath()));
        } finally {
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
