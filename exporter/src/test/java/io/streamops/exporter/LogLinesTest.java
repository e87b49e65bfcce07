package io.streamops.exporter;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 13: every exporter log line starts with when it was written (ISO-8601 with the UTC
 * offset and milliseconds), so an operator can line the log up with pages and metrics. The format is
 * the exporter's own logging configuration (simplelogger.properties), on the classpath as in the jar.
 */
class LogLinesTest {
    @Test
    void everyLogLineStartsWithItsTimestamp() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Instant before = Instant.now().minusSeconds(1);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger(LogLinesTest.class).warn("a line to read back");
        } finally {
            System.setErr(original);
        }
        String line = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("a line to read back")).findFirst().orElseThrow();

        String stamp = line.substring(0, line.indexOf(' '));
        Instant written = OffsetDateTime.parse(stamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        assertThat(written).isBetween(before, Instant.now().plus(Duration.ofSeconds(1)));
        assertThat(line).contains("WARN").contains(LogLinesTest.class.getName());
    }
}
