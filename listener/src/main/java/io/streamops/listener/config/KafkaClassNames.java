package io.streamops.listener.config;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Kafka class names in user settings to where kafka-clients lives in this jar.
 *
 * <p>The shaded jar relocates {@code org.apache.kafka} so it cannot clash with the job's own
 * kafka-clients. A user still writes {@code sasl.jaas.config=org.apache.kafka...PlainLoginModule
 * required ...} as the Kafka docs say; that string has to name the relocated class.
 */
final class KafkaClassNames {
    // Built at run time: the shade plugin rewrites string constants that look like the package.
    private static final String ORIGINAL = String.join(".", "org", "apache", "kafka") + ".";
    private static final String ACTUAL = actualPrefix();
    /** ORIGINAL, unless it is already the tail of ACTUAL (a value that names the relocated class). */
    private static final Pattern UNRELOCATED = Pattern.compile(
            "(?<!" + Pattern.quote(ACTUAL.substring(0, ACTUAL.length() - ORIGINAL.length())) + ")" + Pattern.quote(ORIGINAL));

    private KafkaClassNames() {
    }

    private static String actualPrefix() {
        String name = ProducerConfig.class.getName();
        return name.substring(0, name.length() - "clients.producer.ProducerConfig".length());
    }

    static String relocate(String value) {
        if (value == null || ORIGINAL.equals(ACTUAL) || !value.contains(ORIGINAL)) {
            return value;
        }
        return UNRELOCATED.matcher(value).replaceAll(Matcher.quoteReplacement(ACTUAL));
    }
}
