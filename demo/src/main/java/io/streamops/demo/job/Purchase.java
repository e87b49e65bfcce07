package io.streamops.demo.job;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One purchase as the producer writes it to {@code ingestion} (JSON) and the job reads it. */
public final class Purchase {
    public static final String COUGH_SYRUP = "cough syrup";
    /** More bottles than this in one purchase is an alert. */
    public static final int ALERT_ABOVE = 10;

    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType)
            .add("shopper", DataTypes.StringType)
            .add("store", DataTypes.StringType)
            .add("product", DataTypes.StringType)
            .add("quantity", DataTypes.IntegerType)
            .add("eventTime", DataTypes.TimestampType)
            .add("poison", DataTypes.BooleanType);

    private Purchase() {
    }

    /** Whether a purchase of {@code quantity} of {@code product} goes to {@code alerting}. */
    public static boolean alerts(String product, int quantity) {
        return COUGH_SYRUP.equals(product) && quantity > ALERT_ABOVE;
    }
}
