package io.streamops.exporter.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.Optional;

/**
 * A type-checked CEL expression, ready to evaluate many times. CEL programs are immutable and safe to
 * share between threads, so one instance serves every query on every stream thread.
 */
public final class CompiledExpression {

    private final String source;
    private final CelRuntime.Program program;

    CompiledExpression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** The expression as written in the rules file. */
    public String source() {
        return source;
    }

    /** Evaluates against {@link io.streamops.exporter.signals.Signals#toVariables()}. */
    public Object evaluate(Map<String, Object> variables) throws CelEvaluationException {
        // eval(Map) would copy the whole map into an Activation on every call; a resolver looks up only
        // the variables the expression uses. The map is built once per query and shared by all rules.
        return program.eval(name -> Optional.ofNullable(variables.get(name)));
    }

    @Override
    public String toString() {
        return source;
    }
}
