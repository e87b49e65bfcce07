package io.streamops.demo.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.List;

/**
 * The cough-syrup filter, with the demo's poison: a purchase marked {@code "poison": true} makes the query
 * throw while the {@code poison-armed} file exists. The file is deleted before the throw, so the restarted
 * run processes that purchase normally (think of a dependency that failed once): the incident shows a
 * failure, a restart from the checkpoint, and the purchase's alert written once.
 */
final class PoisonCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PoisonCheck() {
    }

    /** The purchase itself (JSON) if it is more than 10 bottles of cough syrup, else nothing. */
    static Iterator<String> bigCoughSyrupPurchase(String value, String armed) throws Exception {
        JsonNode p = JSON.readTree(value);
        if (p.path("poison").asBoolean(false) && Files.deleteIfExists(Paths.get(armed))) {
            throw new IllegalStateException("poison purchase " + p.path("id").asText() + ": cannot price it");
        }
        return Purchase.alerts(p.path("product").asText(), p.path("quantity").asInt())
                ? List.of(value).iterator() : java.util.Collections.emptyIterator();
    }
}
