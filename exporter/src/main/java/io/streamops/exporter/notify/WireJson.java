package io.streamops.exporter.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON for payloads that leave the exporter: standard JSON only, times as ISO-8601. */
final class WireJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    private WireJson() {
    }

    static byte[] bytes(Object payload) {
        try {
            return MAPPER.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            // Payloads are maps, lists, strings, numbers and java.time values: this cannot happen.
            throw new IllegalStateException("cannot encode a notification payload", e);
        }
    }

    /**
     * Signals as JSON values: an unknown number (NaN, infinite) becomes null, since JSON has no NaN and
     * receivers should not have to parse the string "NaN".
     */
    static Map<String, Object> signals(Map<String, Object> signals) {
        Map<String, Object> json = new LinkedHashMap<>();
        new java.util.TreeMap<>(signals).forEach((name, value) -> json.put(name, finiteOrNull(value)));
        return json;
    }

    private static Object finiteOrNull(Object value) {
        if ((value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue())) {
            return null;
        }
        return value;
    }
}
