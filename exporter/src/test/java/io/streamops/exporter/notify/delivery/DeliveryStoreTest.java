package io.streamops.exporter.notify.delivery;

import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.Notification;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryStoreTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:05Z");
    private static final List<Origin> ORIGINS = List.of(new Origin("streamops-alerts", 3, 17), new Origin("streamops-alerts", 3, Origin.REPEAT));

    @TempDir
    Path dir;

    @Test
    void aDeliveryRoundTripsThroughItsFileExactly() {
        Notification notification = Alerts.notification("email",
                Alerts.alert("QueryFailed", "q-1").build(), Alerts.alert("Lagging", "q-1").resolved().build());
        PendingDelivery saved;
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            saved = store.newDelivery(notification, ORIGINS, NOW).failedAgain(NOW.plusSeconds(5), "HTTP 503");
            store.save(saved);
        }
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            List<PendingDelivery> loaded = store.loadAll();

            assertThat(loaded).hasSize(1);
            PendingDelivery back = loaded.get(0);
            assertThat(back.attempts()).isEqualTo(1);
            assertThat(back.firstQueuedAt()).isEqualTo(NOW);
            assertThat(back.nextAttemptAt()).isEqualTo(NOW.plusSeconds(5));
            assertThat(back.lastFailure()).isEqualTo("HTTP 503");
            // NaN (unknown) signals stay NaN, numbers stay numbers, durations and instants survive.
            assertThat(back.notification().alerts().get(0).signals().get("watermark_delay_seconds")).isEqualTo(Double.NaN);
            assertThat(back.notification().alerts().get(0).signals().get("records_behind")).isEqualTo(1.2e7);
            assertThat(back.notification()).isEqualTo(notification);
            assertThat(back.origins()).as("what lets it be handed back").isEqualTo(ORIGINS);
        }
    }

    /**
     * A file written before deliveries kept their origins reads as one of unknown origin, which is never
     * handed back (it stays with this data_dir, as before); an older exporter ignores the new field.
     */
    @Test
    void aFileOfThePreviousFormatReadsWithItsOriginUnknown() throws IOException {
        Notification notification = Alerts.notification("email", Alerts.alert("QueryFailed", "q-1").build());
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            PendingDelivery saved = store.newDelivery(notification, ORIGINS, NOW);
            store.save(saved);
            Path file = store.file(saved);
            com.fasterxml.jackson.databind.ObjectMapper nanAware = io.streamops.exporter.support.Json.builder()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
            com.fasterxml.jackson.databind.node.ObjectNode json =
                    (com.fasterxml.jackson.databind.node.ObjectNode) nanAware.readTree(file.toFile());
            json.remove("origins"); // as the previous version wrote it
            nanAware.writeValue(file.toFile(), json);
        }
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            PendingDelivery back = store.loadAll().get(0);
            assertThat(back.notification()).isEqualTo(notification);
            assertThat(back.origins()).isNull();
            assertThat(back.onlyFrom("streamops-alerts", List.of(3))).as("never handed back").isFalse();
        }
    }

    @Test
    void writesOneFilePerDeliveryAndLeavesNoTemporaryFiles() throws IOException {
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            PendingDelivery first = store.newDelivery(Alerts.notification("a", Alerts.alert("R", "q-1").build()), null, NOW);
            PendingDelivery second = store.newDelivery(Alerts.notification("b", Alerts.alert("R", "q-2").build()), null, NOW);
            store.save(first);
            store.save(second);
            store.save(second.failedAgain(NOW, "again"));

            assertThat(names()).containsExactly("delivery-0000000000000000001.json", "delivery-0000000000000000002.json");

            store.remove(first);
            assertThat(names()).containsExactly("delivery-0000000000000000002.json");
        }
    }

    @Test
    void anUnreadableFileIsSetAsideAndNumberingContinuesAfterIt() throws IOException {
        Files.writeString(dir.resolve("delivery-0000000000000000007.json"), "{ half a fi");
        Files.writeString(dir.resolve("delivery-0000000000000000003.json.tmp"), "an interrupted write");
        try (DeliveryStore store = DeliveryStore.open(dir)) {
            assertThat(store.loadAll()).isEmpty();
            PendingDelivery next = store.newDelivery(Alerts.notification("a", Alerts.alert("R", "q-1").build()), null, NOW);

            assertThat(next.sequence()).isEqualTo(8);
        }
        assertThat(names()).containsExactly("delivery-0000000000000000007.json.unreadable");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
        }
    }
}
