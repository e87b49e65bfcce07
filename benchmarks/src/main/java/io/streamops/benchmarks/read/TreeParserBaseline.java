package io.streamops.benchmarks.read;

import io.streamops.events.EventContract;
import io.streamops.events.EventType;
import io.streamops.events.ProgressSignals;
import io.streamops.shaded.com.fasterxml.jackson.databind.JsonNode;
import io.streamops.shaded.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline for {@link ReadPathCpu}: the exporter's read path before {@code EventCodec} (its
 * {@code event/EventParser} as of commit ae32fb1, and QueryState deriving a progress event's signals
 * from the JSON body with {@code ProgressSignals.fromJson}), kept here only to be measured against and
 * reduced to the work done for a good message: parse the tree, check the version, type and required
 * texts, parse the timestamp, copy the tags, keep the body.
 */
final class TreeParserBaseline {
    private static final String[][] REQUIRED = {{"eventId"}, {"timestamp"}, {"app", "job"}, {"query", "id"}, {"query", "runId"}};
    private final ObjectMapper json = new ObjectMapper();

    /** What the exporter used of one event: its fields' lengths and numbers summed, so nothing is optimised away. */
    long read(byte[] message) throws IOException {
        JsonNode root = json.readTree(message);
        JsonNode version = root.path("version");
        if (!version.isInt() || version.asInt() != EventContract.VERSION) {
            throw new IllegalArgumentException("version " + version);
        }
        EventType type = EventType.fromWireName(root.path("type").asText(""));
        for (String[] path : REQUIRED) {
            JsonNode node = root;
            for (String part : path) {
                node = node.path(part);
            }
            if (!node.isTextual() || node.asText().isEmpty()) {
                throw new IllegalArgumentException("no '" + String.join(".", path) + "' in a " + type.wireName() + " event");
            }
        }
        Instant timestamp = Instant.parse(root.path("timestamp").asText());
        JsonNode app = root.path("app");
        JsonNode query = root.path("query");
        Map<String, String> tags = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = app.path("tags").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            tags.put(f.getKey(), f.getValue().asText());
        }
        long sink = timestamp.getNano() + tags.size() + query.path("id").asText().length() + app.path("job").asText().length();
        if (type == EventType.PROGRESS) {
            sink += ProgressSignals.fromJson(root.path("signals")).batchId();
        }
        return sink;
    }
}
