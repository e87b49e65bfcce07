package io.streamops.exporter.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL environment rules are written in: the standard library, the string extension (split, trim,
 * substring, ...), the {@link FormatFunctions}, and exactly the {@link SignalVariables}. Conditions
 * must be bool-typed and annotations string-typed; CEL's type checker enforces both at load time.
 */
final class RuleCel {

    /** Where in an expression something is wrong: CEL's line (from 1) and column (from 0), and why. */
    record Issue(int line, int column, String message) {}

    /** Either a compiled expression or the reasons it does not compile. */
    record Compilation(CompiledExpression expression, List<Issue> issues) {}

    /**
     * Mixed int/double comparisons ({@code input_rate > 0}) stay switched off on purpose: cel-java 0.9.0
     * orders NaN above every int there, so {@code NaN > 0} would be true and a rule would fire on an
     * unknown signal. Double-to-double comparisons with NaN are false, as intended. Such a comparison is
     * a load-time type error instead, with a hint to write {@code 0.0}.
     */
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(false)
            .build();
    private static final Pattern MIXED_NUMBERS = Pattern.compile(
            "(found no matching overload for '[^']+' applied to '\\((?:double, u?int|u?int, double)\\)').*", Pattern.DOTALL);

    private static final Cel BASE = buildBase();
    private static final Cel CONDITIONS = BASE.toCelBuilder().setResultType(SimpleType.BOOL).build();
    private static final Cel TEMPLATES = BASE.toCelBuilder().setResultType(SimpleType.STRING).build();

    private RuleCel() {}

    /** Compiles a rule condition: must yield a bool. */
    static Compilation compileCondition(String source) {
        return compile(CONDITIONS, source);
    }

    /** Compiles an annotation template: must yield a string. */
    static Compilation compileTemplate(String source) {
        return compile(TEMPLATES, source);
    }

    private static Compilation compile(Cel cel, String source) {
        CelValidationResult result = cel.compile(source);
        if (result.hasError()) {
            return new Compilation(null, result.getErrors().stream().map(RuleCel::toIssue).toList());
        }
        try {
            return new Compilation(new CompiledExpression(source, cel.createProgram(result.getAst())), List.of());
        } catch (CelValidationException | CelEvaluationException e) {
            // Planning a checked AST does not fail in practice; report it like a compile error if it does.
            return new Compilation(null, List.of(new Issue(1, 0, e.getMessage())));
        }
    }

    private static Issue toIssue(CelIssue issue) {
        // The checker adds " (in container '')" to undeclared references; we use no containers.
        String message = issue.getMessage().replace(" (in container '')", "");
        Matcher mixed = MIXED_NUMBERS.matcher(message);
        if (mixed.matches()) {
            message = mixed.group(1) + ": the signals are doubles, so write numbers with a decimal point (0.0, not 0)";
        }
        return new Issue(Math.max(issue.getSourceLocation().getLine(), 1),
                Math.max(issue.getSourceLocation().getColumn(), 0), message);
    }

    private static Cel buildBase() {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings())
                .addFunctionDeclarations(FormatFunctions.declarations())
                .addFunctionBindings(FormatFunctions.bindings());
        for (SignalVariables.Variable variable : SignalVariables.ALL) {
            builder.addVar(variable.name(), variable.type());
        }
        return builder.build();
    }
}
