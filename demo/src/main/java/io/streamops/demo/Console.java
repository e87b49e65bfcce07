package io.streamops.demo;

import java.time.Duration;

/** The demo's output: every line after start-up carries the time since the command started. */
final class Console {
    private final long startNanos;

    Console(long startNanos) {
        this.startNanos = startNanos;
    }

    synchronized void line(String text) {
        Duration d = Duration.ofNanos(System.nanoTime() - startNanos);
        System.out.printf("[+%02d:%02d] %s%n", d.toMinutes(), d.toSecondsPart(), text);
        System.out.flush();
    }

    /** A line without the time stamp (the "where to look" block). */
    synchronized void plain(String text) {
        System.out.println(text);
        System.out.flush();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
