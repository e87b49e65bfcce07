package io.streamops.exporter.notify.email;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Failures;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Sends a notification as one email (multipart: plain text and HTML) over SMTP with Jakarta Mail.
 * A new connection per send: notifications are rare, and a kept-open connection would just time out.
 */
public final class EmailNotifier implements Notifier {
    private static final String UTF_8 = "UTF-8";

    private final EmailConfig config;
    private final Clock clock;
    private final Session session;
    private final String protocol;

    public EmailNotifier(EmailConfig config) {
        this(config, Clock.systemUTC());
    }

    public EmailNotifier(EmailConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.protocol = config.security() == EmailSecurity.TLS ? "smtps" : "smtp";
        // The password is not in the session properties: it is handed to connect() on each send.
        this.session = Session.getInstance(sessionProperties(config, protocol));
    }

    @Override
    public String channel() {
        return "email";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        MimeMessage message;
        try {
            message = message(EmailContent.of(notification));
        } catch (MessagingException e) {
            return DeliveryOutcome.rejected("cannot build the email: " + redact(Failures.describe(e)));
        }
        Transport transport = null;
        try {
            transport = session.getTransport(protocol);
            String username = config.auth().map(EmailConfig.SmtpAuth::username).orElse(null);
            String password = config.auth().map(auth -> auth.password().reveal()).orElse(null);
            transport.connect(config.host(), config.port(), username, password);
            transport.sendMessage(message, message.getAllRecipients());
            return DeliveryOutcome.delivered();
        } catch (MessagingException e) {
            return SmtpFailures.classify(e, transport, this::redact);
        } finally {
            closeQuietly(transport);
        }
    }

    private MimeMessage message(EmailContent content) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(EmailConfig.parseAddress(config.from()));
        message.setRecipients(Message.RecipientType.TO,
                config.to().stream().map(EmailConfig::parseAddress).toArray(InternetAddress[]::new));
        // EmailContent made the subject a single line; Jakarta Mail encodes anything non-ASCII.
        message.setSubject(content.subject(), UTF_8);
        message.setSentDate(Date.from(clock.instant()));
        // RFC 3834: tells auto-responders (out-of-office) not to answer.
        message.setHeader("Auto-Submitted", "auto-generated");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), UTF_8, "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), UTF_8, "html");
        MimeMultipart alternatives = new MimeMultipart("alternative");
        alternatives.addBodyPart(text); // least preferred first, as RFC 2046 wants
        alternatives.addBodyPart(html);
        message.setContent(alternatives);
        message.saveChanges();
        return message;
    }

    private static Properties sessionProperties(EmailConfig config, String protocol) {
        String prefix = "mail." + protocol + ".";
        String timeoutMillis = Long.toString(config.timeout().toMillis());
        Properties props = new Properties();
        props.setProperty(prefix + "connectiontimeout", timeoutMillis);
        props.setProperty(prefix + "timeout", timeoutMillis);
        props.setProperty(prefix + "writetimeout", timeoutMillis);
        props.setProperty(prefix + "auth", Boolean.toString(config.auth().isPresent()));
        boolean startTls = config.security() == EmailSecurity.STARTTLS;
        props.setProperty(prefix + "starttls.enable", Boolean.toString(startTls));
        // Required, not opportunistic: a stripped STARTTLS must not turn into a plain-text login.
        props.setProperty(prefix + "starttls.required", Boolean.toString(startTls));
        props.setProperty(prefix + "ssl.checkserveridentity", "true");
        config.trustedCertificates().ifPresent(pem ->
                props.put(prefix + "ssl.socketFactory", TrustedCertificates.socketFactory(pem)));
        return props;
    }

    private String redact(String text) {
        UnaryOperator<String> redaction = config.auth()
                .<UnaryOperator<String>>map(auth -> auth.password()::redactFrom)
                .orElse(UnaryOperator.identity());
        return redaction.apply(text);
    }

    private static void closeQuietly(Transport transport) {
        if (transport != null && transport.isConnected()) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // The message is sent (or not) already; a failing QUIT changes nothing.
            }
        }
    }

    @Override
    public String toString() {
        return "EmailNotifier[" + protocol + "://" + config.host() + ":" + config.port() + ", to=" + config.to() + "]";
    }
}
