package io.streamops.exporter.notify.email;

/** How the SMTP connection is protected. */
public enum EmailSecurity {
    /** Plain SMTP (port 25 or a local relay). STARTTLS is not even tried. */
    NONE,
    /** Plain connection upgraded with STARTTLS (port 587). Required: a server that does not offer it gets nothing. */
    STARTTLS,
    /** TLS from the first byte, SMTPS (port 465). */
    TLS
}
