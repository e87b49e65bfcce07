package io.streamops.exporter.notify;

import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures everything written to System.out and System.err (where slf4j-simple logs) while open,
 * still passing it through. For asserting what never appears in logs.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        System.setOut(tee(originalOut));
        System.setErr(tee(originalErr));
    }

    /** Whether slf4j is bound to a real logger: without one, nothing is logged and there is nothing to capture. */
    public static boolean loggingIsBound() {
        return !(LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory);
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }
}
