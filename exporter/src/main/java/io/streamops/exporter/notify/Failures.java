package io.streamops.exporter.notify;

/** Exceptions as one line of text, for outcome reasons. */
public final class Failures {
    private static final int MAX_LENGTH = 1000;

    private Failures() {
    }

    /** {@code ConnectException: Connection refused <- ...}: the exception and its causes, on one line. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable previous = null;
        for (Throwable t = failure; t != null && t != previous && text.length() < MAX_LENGTH; previous = t, t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(NotificationText.oneLine(t.getMessage()));
            }
        }
        return text.toString();
    }
}
