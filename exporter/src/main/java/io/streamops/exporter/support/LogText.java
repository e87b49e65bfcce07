package io.streamops.exporter.support;

import org.apache.commons.text.StringEscapeUtils;

/**
 * Untrusted text (an Alertmanager alert's labels, a Spark app's job or query name) made fit for one log
 * line: a value with a line break in it could otherwise forge log lines. Escaped as a Java string literal's
 * content (line breaks as {@code \n}, other control and non-ASCII characters as {@code \}{@code uXXXX}),
 * by commons-text rather than by hand.
 */
public final class LogText {
    private LogText() {
    }

    public static String escaped(String untrusted) {
        return untrusted == null ? "null" : StringEscapeUtils.escapeJava(untrusted);
    }
}
