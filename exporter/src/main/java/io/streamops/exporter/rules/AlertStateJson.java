package io.streamops.exporter.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for {@link QueryAlertState}, the form it takes in the Kafka Streams state store and its changelog.
 * Times are ISO-8601 text ({@code 2025-01-01T12:00:00Z}, {@code PT4H}) so the changelog is readable;
 * map keys are sorted so equal states give equal bytes on every instance; absent fields are left out;
 * unknown fields are ignored so an older exporter can read a newer one's state.
 */
public final class AlertStateJson {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private AlertStateJson() {}

    /** Sets up any ObjectMapper (e.g. a Serde's) to read and write alert state like this class does. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public static byte[] toBytes(QueryAlertState state) {
        try {
            return MAPPER.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write alert state of query " + state.queryId(), e);
        }
    }

    public static String toJson(QueryAlertState state) {
        return new String(toBytes(state), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @throws IOException if the bytes are not alert state (the caller decides: skip, log, start empty) */
    public static QueryAlertState fromBytes(byte[] json) throws IOException {
        return MAPPER.readValue(json, QueryAlertState.class);
    }
}
