package io.streamops.demo;

import java.time.Duration;

/**
 * The demo's output: every line after start-up carries the time since the command started. Lines carry text
 * from Spark (query names, exception messages), which is untrusted: control and format characters (a
 * terminal's escape sequences, carriage returns, bidi overrides) are shown as {@code ?}, so such text can
 * neither drive the terminal nor forge a line.
 */
final class Console {
    private final long startNanos;

    Console(long startNanos) {
        this.startNanos = startNanos;
    }

    synchronized void line(String text) {
        Duration d = Duration.ofNanos(System.nanoTime() - startNanos);
        System.out.printf("[+%02d:%02d] %s%n", d.toMinutes(), d.toSecondsPart(), printable(text));
        System.out.flush();
    }

    /** A line without the time stamp (the "where to look" block). */
    synchronized void plain(String text) {
        System.out.println(printable(text));
        System.out.flush();
    }

    /** {@code text} with every control or format character (Unicode Cc, Cf) replaced by {@code ?}. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            out.appendCodePoint(type == Character.CONTROL || type == Character.FORMAT ? '?' : c);
        });
        return out.toString();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
