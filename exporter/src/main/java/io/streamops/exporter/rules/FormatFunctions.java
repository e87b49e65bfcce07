package io.streamops.exporter.rules;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime.CelFunctionBinding;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * Number formatting for annotation texts, after Prometheus' template functions: CEL's own
 * {@code string(double)} writes {@code 1.2345678E7}, which nobody wants to read in a page.
 * <ul>
 *   <li>{@code humanize(double)}: 4 significant digits with an SI prefix: {@code 12.35k}, {@code 3.2M}</li>
 *   <li>{@code humanize_bytes(double)}: powers of 1024: {@code 512MiB}, {@code 1.5GiB}</li>
 *   <li>{@code humanize_duration(double seconds)}: {@code 1d 2h 3m 4s}, {@code 45s}, {@code 250ms}</li>
 * </ul>
 * Each renders an unknown value (NaN) as {@code unknown}, so an annotation never fails on a missing signal.
 */
final class FormatFunctions {

    private static final String UNKNOWN = "unknown";
    private static final String[] SI_PREFIXES = {"", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private FormatFunctions() {}

    static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("humanize",
                        CelOverloadDecl.newGlobalOverload("humanize_double", SimpleType.STRING, SimpleType.DOUBLE)),
                CelFunctionDecl.newFunctionDeclaration("humanize_bytes",
                        CelOverloadDecl.newGlobalOverload("humanize_bytes_double", SimpleType.STRING, SimpleType.DOUBLE)),
                CelFunctionDecl.newFunctionDeclaration("humanize_duration",
                        CelOverloadDecl.newGlobalOverload("humanize_duration_double", SimpleType.STRING, SimpleType.DOUBLE)));
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("humanize_double", Double.class, FormatFunctions::humanize),
                CelFunctionBinding.from("humanize_bytes_double", Double.class, FormatFunctions::humanizeBytes),
                CelFunctionBinding.from("humanize_duration_double", Double.class, FormatFunctions::humanizeDuration));
    }

    static String humanize(double value) {
        return scaled(value, 1000, SI_PREFIXES);
    }

    static String humanizeBytes(double value) {
        return scaled(value, 1024, BINARY_UNITS);
    }

    static String humanizeDuration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return nonFinite(seconds);
        }
        if (Math.abs(seconds) < 1) {
            return seconds == 0 ? "0s" : significant(seconds * 1000) + "ms";
        }
        String sign = seconds < 0 ? "-" : "";
        long total = (long) Math.floor(Math.abs(seconds));
        long days = total / 86_400;
        long hours = total % 86_400 / 3_600;
        long minutes = total % 3_600 / 60;
        long secs = total % 60;
        StringBuilder text = new StringBuilder(sign);
        if (days > 0) {
            text.append(days).append("d ");
        }
        if (days > 0 || hours > 0) {
            text.append(hours).append("h ");
        }
        if (days > 0 || hours > 0 || minutes > 0) {
            text.append(minutes).append("m ");
        }
        return text.append(secs).append('s').toString();
    }

    private static String scaled(double value, double base, String[] units) {
        if (!Double.isFinite(value)) {
            return nonFinite(value);
        }
        int unit = 0;
        double magnitude = Math.abs(value);
        while (magnitude >= base && unit < units.length - 1) {
            magnitude /= base;
            unit++;
        }
        return significant(Math.copySign(magnitude, value)) + units[unit];
    }

    /** At most 4 significant digits, no trailing zeros, never scientific notation. */
    private static String significant(double value) {
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String nonFinite(double value) {
        return Double.isNaN(value) ? UNKNOWN : value > 0 ? "+Inf" : "-Inf";
    }
}
