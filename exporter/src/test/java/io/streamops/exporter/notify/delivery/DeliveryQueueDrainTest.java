package io.streamops.exporter.notify.delivery;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.email.EmailConfig;
import io.streamops.exporter.notify.email.EmailNotifier;
import io.streamops.exporter.notify.email.EmailSecurity;
import io.streamops.testkit.Await;
import io.streamops.testkit.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7: the router commits its offsets once a notification is queued, so a notification queued just
 * before the exporter stops (SIGTERM runs {@link DeliveryQueue#close()} in the shutdown hook) is sent by
 * nobody else. It must reach the receiver exactly once: during the close's drain period, or, if the
 * receiver cannot take it then, from disk when an exporter starts again on the same data_dir. Against
 * GreenMail, a real SMTP server on 127.0.0.1.
 */
class DeliveryQueueDrainTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Quick retries that never give up within the test. */
    private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), 2.0, 100_000, Duration.ofMinutes(5));

    @TempDir
    Path dir;

    @Test
    void aNotificationQueuedJustBeforeTheStopIsDeliveredBeforeCloseReturnsAndNotAgainAfterARestart() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            DeliveryQueue queue = queue(smtp.getSmtp().getPort(), DeliveryQueue.DEFAULT_DRAIN);
            queue.submit(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));
            queue.close(); // at once, as SIGTERM right after the router queued it
            assertThat(smtp.getReceivedMessages()).as("delivered while the queue closed").hasSize(1);
            assertThat(deliveryFiles()).as("nothing left for the next start").isEmpty();

            try (DeliveryQueue restarted = queue(smtp.getSmtp().getPort(), DeliveryQueue.DEFAULT_DRAIN)) {
                assertThat(restarted.pending("email")).as("nothing resumed after the restart").isZero();
            }
            assertThat(smtp.getReceivedMessages()).hasSize(1);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void whatTheDrainCannotDeliverIsKeptAndSentOnceByTheNextStart() throws Exception {
        int port = Ports.free(); // nothing listens yet: the SMTP server is down during the stop
        DeliveryQueue queue = queue(port, Duration.ofMillis(500));
        queue.submit(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));
        queue.close();
        assertThat(deliveryFiles()).as("kept on disk").hasSize(1);

        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            try (DeliveryQueue restarted = queue(port, DeliveryQueue.DEFAULT_DRAIN)) {
                assertThat(restarted.pending("email")).as("resumed from disk").isEqualTo(1);
                Await.until("the kept notification delivered", TIMEOUT, () -> restarted.pending("email") == 0);
            }
            assertThat(smtp.getReceivedMessages()).as("delivered exactly once").hasSize(1);
            assertThat(deliveryFiles()).isEmpty();
        } finally {
            smtp.stop();
        }
    }

    private DeliveryQueue queue(int smtpPort, Duration drain) {
        EmailConfig email = EmailConfig.of("127.0.0.1", smtpPort, EmailSecurity.NONE, "streamops <alerts@streamops.test>",
                List.of("oncall@shop.test")).withTimeout(Duration.ofSeconds(5));
        return new DeliveryQueue(dir, List.of(new Receiver("email", new EmailNotifier(email), QUICK)), new SimpleMeterRegistry(),
                Clock.systemUTC(), drain);
    }

    private List<Path> deliveryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("delivery-\\d+\\.json")).toList();
        }
    }
}
