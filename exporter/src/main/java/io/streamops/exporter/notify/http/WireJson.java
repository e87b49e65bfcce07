package io.streamops.exporter.notify.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamops.exporter.support.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON for payloads that leave the exporter: the exporter's conventions ({@link Json}), and standard
 * JSON only, so unknown numbers are sent as null ({@link #signals}) rather than as the text "NaN".
 */
public final class WireJson {
    private WireJson() {
    }

    public static byte[] bytes(Object payload) {
        try {
            return Json.MAPPER.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            // Payloads are maps, lists, strings, numbers and java.time values: this cannot happen.
            throw new IllegalStateException("cannot encode a notification payload", e);
        }
    }

    /**
     * Signals as JSON values: an unknown number (NaN, infinite) becomes null, since JSON has no NaN and
     * receivers should not have to parse the string "NaN".
     */
    public static Map<String, Object> signals(Map<String, Object> signals) {
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
