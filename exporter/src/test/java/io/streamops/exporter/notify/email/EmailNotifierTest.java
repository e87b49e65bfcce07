package io.streamops.exporter.notify.email;

import io.streamops.exporter.support.Secret;
import io.streamops.testkit.LocalHttpServer;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.delivery.DeliveryMetrics;
import io.streamops.exporter.notify.delivery.DeliveryQueue;
import io.streamops.exporter.notify.delivery.Receiver;
import io.streamops.exporter.notify.delivery.RetryPolicy;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.webhook.WebhookNotifier;
import io.streamops.testkit.Await;
import io.streamops.testkit.Ports;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The email notifier against GreenMail, a real SMTP server on 127.0.0.1. */
class EmailNotifierTest {
    private static final String FROM = "streamops <alerts@streamops.test>";
    private static final List<String> TO = List.of("oncall@shop.test", "data-team@shop.test");
    private static final String USER = "alerts";
    private static final String PASSWORD = "Sm7p-P4ssw0rd!";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    static {
        // GreenMail's SMTPS serves the certificate of this key store (made for 127.0.0.1 and localhost,
        // see src/test/resources/notify/README.md). GreenMail reads it once per JVM, at its first TLS
        // server: nothing else in this module's tests starts one.
        System.setProperty("greenmail.tls.keystore.file", resource("smtp-test-server.p12").toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
    }

    @TempDir
    Path queueDir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void deliversAMultipartMailToEveryRecipient() throws Exception {
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig());
        EmailNotifier notifier = new EmailNotifier(config(smtp, EmailSecurity.NONE));
        Notification notification = Alerts.notification("email",
                Alerts.alert("QueryFailed", "q-1").build(),
                Alerts.alert("QueryFailed", "q-1").build());

        assertThat(notifier.send(notification)).isInstanceOf(DeliveryOutcome.Delivered.class);

        MimeMessage mail = receivedOne(smtp);
        assertThat(mail.getSubject()).isEqualTo("[FIRING:2] QueryFailed grocery-alerts");
        assertThat(mail.getFrom()[0].toString()).isEqualTo(FROM);
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(Object::toString).containsExactlyElementsOf(TO);
        assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        assertThat(textPart(mail)).contains("[FIRING:2] QueryFailed grocery-alerts", "Query grocery-alerts failed",
                "Dashboard: https://grafana.shop.test/d/streamops-query?var-query_id=q-1",
                "records_behind: 12000000", "exception_message: org.apache.spark.SparkException: Job aborted");
        assertThat(htmlPart(mail)).contains("<h2>[FIRING:2] QueryFailed grocery-alerts</h2>",
                "<a href=\"https://grafana.shop.test/d/streamops-query?var-query_id=q-1\">");
    }

    @Test
    void escapesEverythingFromSparkInTheHtmlPart() throws Exception {
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig());
        Notification notification = Alerts.notification("email", Alerts.alert("QueryFailed", "q-<1>")
                .query("<script>alert(1)</script>")
                .exception("java.lang.IllegalStateException: <b>&\"")
                .annotation("description", "state store <img src=x onerror=alert(2)>")
                .label("team", "\"><svg onload=alert(3)>")
                .build());

        assertThat(new EmailNotifier(config(smtp, EmailSecurity.NONE)).send(notification))
                .isInstanceOf(DeliveryOutcome.Delivered.class);

        MimeMessage mail = receivedOne(smtp);
        String html = htmlPart(mail);
        assertThat(html)
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("java.lang.IllegalStateException: &lt;b&gt;&amp;&quot;")
                .contains("state store &lt;img src=x onerror=alert(2)&gt;")
                .contains("team=&quot;&gt;&lt;svg onload=alert(3)&gt;")
                .doesNotContain("<script>", "<b>&", "<img", "<svg");
        // The query id is URL-encoded in the link, then escaped for the attribute.
        assertThat(html).contains("var-query_id=q-%3C1%3E");
        // The plain-text part shows the text as it is.
        assertThat(textPart(mail)).contains("<script>alert(1)</script>", "java.lang.IllegalStateException: <b>&\"");
        assertThat(mail.getSubject()).isEqualTo("[FIRING:1] QueryFailed <script>alert(1)</script>");
    }

    @Test
    void aSubjectCannotInjectHeaders() throws Exception {
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig());
        Notification notification = Alerts.notification("email", Alerts.alert("QueryFailed", "q-1")
                .query("grocery\r\nBcc: victim@evil.test\r\nX-Injected: yes").build());

        assertThat(new EmailNotifier(config(smtp, EmailSecurity.NONE)).send(notification))
                .isInstanceOf(DeliveryOutcome.Delivered.class);

        MimeMessage mail = receivedOne(smtp);
        assertThat(mail.getSubject()).doesNotContain("\r", "\n")
                .isEqualTo("[FIRING:1] QueryFailed grocery  Bcc: victim@evil.test  X-Injected: yes");
        assertThat(mail.getHeader("X-Injected")).isNull();
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(smtp.getReceivedMessages()).hasSize(TO.size()); // nothing went to victim@evil.test
    }

    @Test
    void authenticatesWithUsernameAndPassword() throws Exception {
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig().withUser("alerts@streamops.test", USER, PASSWORD));
        EmailNotifier notifier = new EmailNotifier(config(smtp, EmailSecurity.NONE).withAuth(USER, Secret.of(PASSWORD)));

        assertThat(notifier.send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build())))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(receivedOne(smtp).getSubject()).isEqualTo("[FIRING:1] QueryFailed grocery-alerts");
    }

    @Test
    void aWrongPasswordIsRejectedNotHammered() {
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig().withUser("alerts@streamops.test", USER, PASSWORD));
        String wrong = "not-the-password-" + PASSWORD.hashCode();
        EmailConfig config = config(smtp, EmailSecurity.NONE).withAuth(USER, Secret.of(wrong));

        DeliveryOutcome outcome = new EmailNotifier(config).send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));

        // 535: permanent by SMTP's rules; retrying a wrong password only risks locking the account.
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason()).contains("535").doesNotContain(wrong);
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(config.toString()).doesNotContain(wrong).contains("password=***");
    }

    @Test
    void deliversOverImplicitTlsTrustingTheServersCertificate() throws Exception {
        GreenMail smtps = start(ServerSetup.PROTOCOL_SMTPS, GreenMailConfiguration.aConfig().withUser("alerts@streamops.test", USER, PASSWORD));
        EmailNotifier notifier = new EmailNotifier(config(smtps, EmailSecurity.TLS)
                .withAuth(USER, Secret.of(PASSWORD))
                .withTrustedCertificates(resource("smtp-test-server.pem")));

        assertThat(notifier.send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build())))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(receivedOne(smtps).getSubject()).isEqualTo("[FIRING:1] QueryFailed grocery-alerts");
    }

    @Test
    void anUntrustedCertificateGetsNothing() {
        GreenMail smtps = start(ServerSetup.PROTOCOL_SMTPS, GreenMailConfiguration.aConfig());
        // The JVM's default trust store does not know the test certificate.
        EmailNotifier notifier = new EmailNotifier(config(smtps, EmailSecurity.TLS).withTimeout(Duration.ofSeconds(5)));

        DeliveryOutcome outcome = notifier.send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).contains("SSLHandshakeException");
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }

    @Test
    void requiredStartTlsIsNotSkippedWhenTheServerDoesNotOfferIt() {
        // GreenMail does not offer STARTTLS: the notifier must not fall back to sending in clear text.
        GreenMail smtp = start(ServerSetup.PROTOCOL_SMTP, GreenMailConfiguration.aConfig().withUser("alerts@streamops.test", USER, PASSWORD));
        EmailNotifier notifier = new EmailNotifier(config(smtp, EmailSecurity.STARTTLS).withAuth(USER, Secret.of(PASSWORD)));

        DeliveryOutcome outcome = notifier.send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).contains("STARTTLS");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void anUnreachableServerIsRetriedLater() throws Exception {
        int closedPort = Ports.free();
        EmailNotifier notifier = new EmailNotifier(EmailConfig.of("127.0.0.1", closedPort, EmailSecurity.NONE, FROM, TO));

        DeliveryOutcome outcome = notifier.send(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).contains("Connection refused");
    }

    @Test
    void aHangingSmtpServerDelaysNoOtherReceiver() throws Exception {
        // Accepts connections and never says a word: the worst kind of SMTP outage.
        ServerSocket blackHole = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        toClose.add(blackHole);
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(blackHole.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        LocalHttpServer webhook = LocalHttpServer.answering(200);
        toClose.add(webhook);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EmailNotifier email = new EmailNotifier(EmailConfig.of("127.0.0.1", blackHole.getLocalPort(), EmailSecurity.NONE, FROM, TO)
                .withTimeout(Duration.ofSeconds(2)));
        RetryPolicy policy = new RetryPolicy(Duration.ofHours(1), Duration.ofHours(1), 2.0, 10, Duration.ofDays(1));

        try (DeliveryQueue queue = new DeliveryQueue(queueDir, List.of(
                new Receiver("email", email, policy),
                new Receiver("chat", new WebhookNotifier(HttpEndpoint.of(webhook.url())), policy)), registry)) {
            queue.submit(Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build()));
            queue.submit(Alerts.notification("chat", Alerts.alert("QueryFailed", "q-1").build()));

            webhook.awaitRequests(1);
            Await.until("webhook delivered", TIMEOUT, () -> count(registry, "sent", "chat") == 1);
            // The email is still pending (hanging, or failed and waiting its back-off): it held nobody up.
            assertThat(queue.pending("email")).isEqualTo(1);
            Await.until("email attempt timed out and was rescheduled", TIMEOUT, () -> count(registry, "retried", "email") == 1);
        } finally {
            accepted.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            });
        }
    }

    @Test
    void thePasswordIsNeverInToString() {
        EmailConfig config = EmailConfig.of("smtp.shop.test", 587, EmailSecurity.STARTTLS, FROM, TO)
                .withAuth(USER, Secret.of(PASSWORD));

        assertThat(config.toString()).doesNotContain(PASSWORD).contains(USER, "***");
        assertThat(new EmailNotifier(config).toString()).doesNotContain(PASSWORD);
    }

    private static double count(SimpleMeterRegistry registry, String name, String receiver) {
        var counter = registry.find(DeliveryMetrics.PREFIX + name).tag("receiver", receiver).counter();
        return counter == null ? 0 : counter.count();
    }

    private GreenMail start(String protocol, GreenMailConfiguration configuration) {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol).dynamicPort();
        // GreenMail's default of 2 s is too short for the first TLS server on a busy machine.
        setup.setServerStartupTimeout(TIMEOUT.toMillis());
        GreenMail greenMail = new GreenMail(setup).withConfiguration(configuration);
        greenMail.start();
        toClose.add(greenMail::stop);
        return greenMail;
    }

    private static EmailConfig config(GreenMail greenMail, EmailSecurity security) {
        int port = security == EmailSecurity.TLS ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
        return EmailConfig.of("127.0.0.1", port, security, FROM, TO).withTimeout(Duration.ofSeconds(10));
    }

    /** GreenMail keeps a copy per recipient; they are the same mail. */
    private static MimeMessage receivedOne(GreenMail greenMail) {
        assertThat(greenMail.waitForIncomingEmail(TIMEOUT.toMillis(), TO.size())).as("mail arrived").isTrue();
        return greenMail.getReceivedMessages()[0];
    }

    private static String textPart(MimeMessage mail) throws Exception {
        return part(mail, 0, "text/plain");
    }

    private static String htmlPart(MimeMessage mail) throws Exception {
        return part(mail, 1, "text/html");
    }

    private static String part(MimeMessage mail, int index, String type) throws Exception {
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(index).getContentType()).startsWith(type).contains("UTF-8");
        Object content = parts.getBodyPart(index).getContent();
        if (content instanceof InputStream in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return (String) content;
    }

    private static Path resource(String name) {
        try {
            return Path.of(EmailNotifierTest.class.getResource("/notify/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
