package io.streamops.exporter.restart;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A command line as a list of arguments, in which an argument that is exactly a placeholder
 * ({@code {job}}, {@code {query_name}}, {@code {query_id}}, {@code {app_id}}) is replaced by that value
 * from the event, as one whole argument. Nothing is spliced into a longer string and nothing is run
 * through a shell, so a query named {@code $(touch /tmp/pwned)} is an argument with that text, nothing more.
 * A placeholder inside a longer argument is refused when the template is made, so nobody writes
 * {@code --name={job}} believing it is substituted.
 *
 * <p>An empty value is refused when rendering (the alert did not tell it: the exporter's own rules carry no
 * application id), as is a value that starts with {@code -}: placed before a {@code spark-submit}
 * line's application jar, {@code --conf=...} or {@code --class} from a query's name would be read as an
 * option of the launcher, and after it as one of the application.
 */
public final class ArgvTemplate {

    /** The placeholders and how each is read from the subject. */
    public static final Map<String, Function<RestartSubject, String>> PLACEHOLDERS = Map.of(
            "{job}", RestartSubject::job,
            "{query_name}", RestartSubject::queryName,
            "{query_id}", RestartSubject::queryId,
            "{app_id}", RestartSubject::appId);

    private final List<String> arguments;

    private ArgvTemplate(List<String> arguments) {
        this.arguments = List.copyOf(arguments);
    }

    /** The template, or an {@link IllegalArgumentException} naming the argument that misuses a placeholder. */
    public static ArgvTemplate of(List<String> arguments) {
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("the command must name a program");
        }
        if (PLACEHOLDERS.containsKey(arguments.get(0))) {
            throw new IllegalArgumentException("the program itself cannot be a placeholder");
        }
        return ofArguments(arguments);
    }

    /** Arguments only (a program's appArgs): may be empty, and any of them may be a placeholder. */
    public static ArgvTemplate ofArguments(List<String> arguments) {
        for (String argument : arguments) {
            problem(argument).ifPresent(reason -> {
                throw new IllegalArgumentException(reason);
            });
        }
        return new ArgvTemplate(arguments);
    }

    /** What is wrong with one argument, if anything. */
    public static Optional<String> problem(String argument) {
        if (PLACEHOLDERS.containsKey(argument)) {
            return Optional.empty();
        }
        for (String placeholder : PLACEHOLDERS.keySet()) {
            if (argument.contains(placeholder)) {
                return Optional.of("'" + argument + "': " + placeholder
                        + " is replaced only as a whole argument; write it as an argument of its own");
            }
        }
        return Optional.empty();
    }

    public List<String> arguments() {
        return arguments;
    }

    /**
     * The argv for {@code subject}: each placeholder argument replaced by its value, verbatim.
     *
     * @throws IllegalArgumentException naming the placeholder and value, when a value is empty or starts with {@code -}
     */
    public List<String> render(RestartSubject subject) {
        List<String> argv = new ArrayList<>(arguments.size());
        for (String argument : arguments) {
            Function<RestartSubject, String> placeholder = PLACEHOLDERS.get(argument);
            if (placeholder == null) {
                argv.add(argument);
                continue;
            }
            String value = placeholder.apply(subject);
            if (value.isEmpty()) {
                // An empty argument shifts every later one of a spark-submit line: {app_id} is known only
                // from an Alertmanager alert's app_id label, {query_name} only for a named query.
                throw new IllegalArgumentException(argument + " of job " + subject.job() + " is not known for this"
                        + " alert, so the command cannot be made; remove it from the command or send the value with the alert");
            }
            if (value.startsWith("-")) {
                throw new IllegalArgumentException(argument + " of job " + subject.job() + " is '" + value
                        + "': a value starting with '-' would be read as an option, so it is not substituted");
            }
            argv.add(value);
        }
        return argv;
    }
}
