package io.streamops.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.demo.job.Purchase;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The purchases the producer writes: shopper, store, product and quantity from a seeded random sequence, so
 * a run's purchases are the same for the same seed (the event time is the moment it is written). About one
 * purchase in 60 is more than 10 bottles of cough syrup. Ids are {@code p-<n>}, unique within a run.
 */
final class PurchaseGenerator {
    static final List<String> PRODUCTS = List.of(Purchase.COUGH_SYRUP, "milk", "bread", "apples", "coffee",
            "tissues", "oranges", "honey");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SplittableRandom random;
    private long next;

    PurchaseGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A purchase's id (the Kafka key) and its JSON (the value). */
    record Generated(String id, String json) {
    }

    /** The next purchase; {@code poison} marks it as the demo's poison purchase. */
    Generated next(Instant eventTime, boolean poison) {
        ObjectNode p = JSON.createObjectNode();
        String id = "p-" + next++;
        p.put("id", id);
        p.put("shopper", "shopper-" + random.nextInt(500));
        p.put("store", "store-" + (1 + random.nextInt(5)));
        String product = poison ? Purchase.COUGH_SYRUP : PRODUCTS.get(random.nextInt(PRODUCTS.size()));
        p.put("product", product);
        p.put("quantity", poison ? 12 : quantity());
        p.put("eventTime", eventTime.toString());
        if (poison) {
            p.put("poison", true);
        }
        return new Generated(id, p.toString());
    }

    /**
     * Mostly one to three; one in six purchases is a bigger buy of 4 to 24, so the alert's threshold (more than
     * 10) is crossed both ways: 10 must not alert, 11 must.
     */
    private int quantity() {
        return random.nextInt(6) == 0 ? 4 + random.nextInt(21) : 1 + random.nextInt(3);
    }
}
