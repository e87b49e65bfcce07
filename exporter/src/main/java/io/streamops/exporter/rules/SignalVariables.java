package io.streamops.exporter.rules;

import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import io.streamops.exporter.signals.Signal;
import io.streamops.exporter.signals.SignalType;
import java.util.List;

/**
 * The variables a rule expression can use, with their CEL types: the table of signals ({@link Signal#ALL}),
 * as {@link io.streamops.exporter.signals.Signals#toVariables()} fills them in. This list is what the CEL
 * environment declares, so a misspelt name is a load-time error rather than a rule that silently never fires.
 */
public final class SignalVariables {

    /** One variable: its name in rules, its CEL type, and what it means. */
    public record Variable(String name, CelType type, String meaning) {
        /** The CEL spelling of the type: {@code double}, {@code int}, {@code bool}, {@code string}, {@code map(string, string)}. */
        public String typeName() {
            return type instanceof MapType map
                    ? "map(" + map.keyType().name() + ", " + map.valueType().name() + ")"
                    : type.name();
        }
    }

    /** One per {@link Signal} of the table, in its order. */
    public static final List<Variable> ALL = Signal.ALL.stream()
            .map(signal -> new Variable(signal.name(), celType(signal.type()), signal.meaning())).toList();

    private static CelType celType(SignalType type) {
        return switch (type) {
            case STRING -> SimpleType.STRING;
            case DOUBLE -> SimpleType.DOUBLE;
            case INT -> SimpleType.INT;
            case BOOL -> SimpleType.BOOL;
            case STRING_MAP -> MapType.create(SimpleType.STRING, SimpleType.STRING);
            case DOUBLE_MAP -> MapType.create(SimpleType.STRING, SimpleType.DOUBLE);
        };
    }

    private SignalVariables() {}
}
