package io.streamops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.streamops.testkit.PagerDutyContractServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the exporter's notifications land: a real SMTP server (GreenMail) holding every mail, and a local
 * server that enforces PagerDuty's Events API v2 contract and records every accepted event.
 */
final class Receivers implements AutoCloseable {
    static final String ROUTING_KEY = "demo-routing-key";
    static final String MAIL_TO = "oncall@grocery.example";

    /** One mail as the inbox page lists it. */
    record Mail(Instant received, String subject, String to) {
    }

    private final GreenMail smtp;
    private final PagerDutyContractServer pagerDuty;

    Receivers() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        PagerDutyContractServer pd;
        try {
            pd = new PagerDutyContractServer(ROUTING_KEY);
        } catch (RuntimeException e) {
            smtp.stop();
            throw e;
        }
        pagerDuty = pd;
    }

    int smtpPort() {
        return smtp.getSmtp().getPort();
    }

    java.net.URI pagerDutyUrl() {
        return pagerDuty.baseUrl();
    }

    List<Mail> mails() {
        List<Mail> out = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            try {
                Instant at = m.getSentDate() == null ? Instant.EPOCH : m.getSentDate().toInstant();
                out.add(new Mail(at, m.getSubject(), String.join(", ", java.util.Arrays.stream(m.getAllRecipients()).map(Object::toString).toList())));
            } catch (MessagingException e) {
                out.add(new Mail(Instant.EPOCH, "(unreadable: " + e.getMessage() + ")", ""));
            }
        }
        return out;
    }

    List<JsonNode> pages() {
        return pagerDuty.acceptedEvents();
    }

    List<String> pagerDutyViolations() {
        return pagerDuty.violations();
    }

    @Override
    public void close() {
        try {
            pagerDuty.close();
        } finally {
            smtp.stop();
        }
    }
}
