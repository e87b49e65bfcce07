package io.streamops.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import io.streamops.testkit.Await;
import io.streamops.testkit.PagerDutyContractServer;
import jakarta.mail.internet.MimeMessage;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with real parts: a Spark job (shaded listener attached by configuration) whose query
 * fails, a real broker, the packaged exporter running the shipped default rules in its own process, a
 * real SMTP server and the PagerDuty Events v2 contract server. The failure must page and mail, with
 * the exception's text from Spark escaped in the mail's HTML.
 */
class FailureToPageTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    /** The decoded body of the first part of this MIME type, searching nested multiparts. */
    private static String part(Object content, String mimeType) throws Exception {
        if (content instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                jakarta.mail.BodyPart p = multipart.getBodyPart(i);
                if (p.isMimeType(mimeType)) {
                    return p.getContent().toString();
                }
                String nested = part(p.getContent(), mimeType);
                if (!nested.isEmpty()) {
                    return nested;
                }
            }
        }
        return "";
    }

    @Test
    void aFailingQueryPagesAndMails(@TempDir Path dir) throws Exception {
        try (PagingStack stack = new PagingStack(dir, WAIT, "e2e-exporter.log")) {
            PagerDutyContractServer pagerDuty = stack.pagerDuty();
            GreenMail smtp = stack.smtp();
            SparkSession spark = SparkSession.builder().master("local[2]").appName("warehouse-sync")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                    .config("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener")
                    .config("spark.streamops.kafka.bootstrap.servers", stack.bootstrapServers())
                    .config("spark.streamops.job", "warehouse-sync")
                    .config("spark.streamops.heartbeat.interval", "1s")
                    .getOrCreate();
            String queryId;
            try {
                StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "10").load()
                        .writeStream().queryName("orders-to-warehouse")
                        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                            if (id >= 2) {
                                throw new IllegalStateException("<b>warehouse</b> & \"db\" unreachable");
                            }
                        })
                        .trigger(Trigger.ProcessingTime(200)).start();
                queryId = query.id().toString();
                Await.until("the query to fail", WAIT, () -> !query.isActive());
            } finally {
                spark.stop();
            }

            JsonNode page = Await.value("a PagerDuty trigger for the failed query", WAIT, () -> pagerDuty.acceptedEvents().stream()
                    .filter(e -> e.path("event_action").asText().equals("trigger")
                            && e.path("dedup_key").asText().equals("QueryFailed/" + queryId))
                    .findFirst().orElse(null));
            assertThat(page.path("payload").path("severity").asText()).isEqualTo("critical");
            assertThat(page.path("payload").path("summary").asText())
                    .contains("orders-to-warehouse").contains("IllegalStateException");
            assertThat(page.path("links").toString()).contains(queryId);
            assertThat(pagerDuty.violations()).isEmpty();

            MimeMessage mail = Await.value("an email about the failure", WAIT, () -> {
                for (MimeMessage m : smtp.getReceivedMessages()) {
                    try {
                        if (m.getSubject().contains("QueryFailed")) {
                            return m;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return null;
            });
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
            String html = part(mail.getContent(), "text/html");
            String text = part(mail.getContent(), "text/plain");
            assertThat(text).contains("orders-to-warehouse").contains("<b>warehouse</b> & \"db\" unreachable");
            // Spark's text is escaped in the HTML part: the markup arrives as text, never as markup.
            assertThat(html).contains("orders-to-warehouse").contains("&lt;b&gt;warehouse&lt;/b&gt;").doesNotContain("<b>warehouse</b>");
            assertThat(Files.readString(stack.exporterLog())).doesNotContain(PagingStack.ROUTING_KEY);
        }
    }
}
