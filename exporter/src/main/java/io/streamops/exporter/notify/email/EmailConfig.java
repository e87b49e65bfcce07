package io.streamops.exporter.notify.email;

import io.streamops.exporter.support.Secret;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An email receiver: the SMTP server and the addresses. The password is a {@link Secret}, so this
 * record's {@code toString} shows {@code ***} for it.
 *
 * @param trustedCertificates a PEM file of the certificates (a private CA, or the server's own) to trust
 *                            instead of the JVM's default trust store; the server's name is always checked
 * @param timeout             for connecting, and for each read and write on the connection
 */
public record EmailConfig(
        String host,
        int port,
        EmailSecurity security,
        Optional<SmtpAuth> auth,
        String from,
        List<String> to,
        Optional<Path> trustedCertificates,
        Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** SMTP AUTH credentials. */
    public record SmtpAuth(String username, Secret password) {
        public SmtpAuth {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }
    }

    public EmailConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        Objects.requireNonNull(timeout, "timeout");
        to = List.copyOf(to);
        if (host.isBlank()) {
            throw new IllegalArgumentException("SMTP host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SMTP port out of range: " + port);
        }
        if (to.isEmpty()) {
            throw new IllegalArgumentException("an email receiver needs at least one 'to' address");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        parseAddress(from);
        to.forEach(EmailConfig::parseAddress);
    }

    /** No authentication, the JVM's trust store, a 30 s timeout. */
    public static EmailConfig of(String host, int port, EmailSecurity security, String from, List<String> to) {
        return new EmailConfig(host, port, security, Optional.empty(), from, to, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public EmailConfig withAuth(String username, Secret password) {
        return new EmailConfig(host, port, security, Optional.of(new SmtpAuth(username, password)), from, to,
                trustedCertificates, timeout);
    }

    public EmailConfig withTrustedCertificates(Path pemFile) {
        return new EmailConfig(host, port, security, auth, from, to, Optional.of(pemFile), timeout);
    }

    public EmailConfig withTimeout(Duration newTimeout) {
        return new EmailConfig(host, port, security, auth, from, to, trustedCertificates, newTimeout);
    }

    static InternetAddress parseAddress(String address) {
        try {
            return new InternetAddress(Objects.requireNonNull(address, "address"), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("invalid email address '" + address + "': " + e.getMessage(), e);
        }
    }
}
