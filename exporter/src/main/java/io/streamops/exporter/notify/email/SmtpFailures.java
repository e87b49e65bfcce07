package io.streamops.exporter.notify.email;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Failures;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Turns a failed SMTP send into an outcome, by SMTP's own rule: a 5xx reply is permanent (rejected),
 * a 4xx reply is temporary (retry). A failure without a reply (connection refused, timeout, TLS) is
 * retried: the server may come back.
 *
 * <p>Authentication failures follow the same rule: 535 (bad credentials) is rejected, because
 * retrying a wrong password only risks locking the account; 454 (temporary) is retried.
 */
final class SmtpFailures {
    private SmtpFailures() {
    }

    static DeliveryOutcome classify(MessagingException failure, Transport transport, UnaryOperator<String> redact) {
        String reason = redact.apply(Failures.describe(failure));
        if (failure instanceof SendFailedException sent && sent.getValidSentAddresses() != null
                && sent.getValidSentAddresses().length > 0) {
            // Some recipients have it already: sending again would duplicate it for them.
            return DeliveryOutcome.rejected("refused for some recipients only ("
                    + addresses(sent.getInvalidAddresses()) + addresses(sent.getValidUnsentAddresses()) + "): " + reason);
        }
        int code = replyCode(failure, transport);
        if (code >= 500) {
            return DeliveryOutcome.rejected("SMTP server refused (" + code + "): " + reason);
        }
        if (code >= 400) {
            return DeliveryOutcome.retryLater("SMTP server deferred (" + code + "): " + reason);
        }
        return DeliveryOutcome.retryLater("SMTP failure: " + reason);
    }

    /** The SMTP reply code behind the failure, or -1 when the server gave none. */
    private static int replyCode(MessagingException failure, Transport transport) {
        for (Exception e = failure; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (e instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
        }
        // Angus reports AUTH failures without the code; the transport still has the last reply.
        if (failure instanceof AuthenticationFailedException && transport instanceof SMTPTransport smtp) {
            int code = smtp.getLastReturnCode();
            return code >= 400 ? code : -1;
        }
        return -1;
    }

    private static String addresses(Address[] addresses) {
        return addresses == null || addresses.length == 0 ? "" : Arrays.toString(addresses);
    }
}
