package io.streamops.listener.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.testkit.Await;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Reads the streamops events topic from the start, in the background, as the exporter would. */
final class EventTopic implements AutoCloseable {
    /** One message: its key and parsed value (raw text kept for schema validation). */
    static final class Message {
        final String key;
        final String raw;
        final JsonNode json;

        Message(String key, String raw, JsonNode json) {
            this.key = key;
            this.raw = raw;
            this.json = json;
        }

        String type() {
            return json.path("type").asText();
        }

        String queryName() {
            return json.path("query").path("name").asText(null);
        }

        String queryId() {
            return json.path("query").path("id").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Message> messages = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    EventTopic(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", "it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        poller = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of(topic));
                while (running) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> r : records) {
                        JsonNode json;
                        try {
                            json = JSON.readTree(r.value());
                        } catch (Exception e) {
                            json = JSON.createObjectNode().put("unparseable", r.value());
                        }
                        synchronized (messages) {
                            messages.add(new Message(r.key(), r.value(), json));
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // closing
            }
        }, "it-event-topic");
        poller.setDaemon(true);
        poller.start();
    }

    List<Message> all() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    List<Message> matching(Predicate<Message> p) {
        return all().stream().filter(p).collect(Collectors.toList());
    }

    /** Waits for a message that matches and returns the first. */
    Message await(String what, Duration timeout, Predicate<Message> p) {
        return Await.value(what, timeout, () -> all().stream().filter(p).findFirst().orElse(null));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(10_000);
    }
}
