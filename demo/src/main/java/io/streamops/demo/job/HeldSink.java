package io.streamops.demo.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The demo's stalled sink: a write that hangs while a file exists, as a sink waiting on a dead database does. */
final class HeldSink {
    private HeldSink() {
    }

    static void waitWhile(Path held) {
        while (Files.exists(held)) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }
}
