package io.streamops.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's command line (scripts/demo passes everything but its own build flags through):
 * <pre>
 *   --short              the short timeline (tests): shorter incidents, rules' for: divided by 30
 *   --no-timeline        play no incidents by themselves (trigger them from the dashboard or the control page)
 *   --incident NAME      play only this incident (repeatable, in order); NAME: surge, poison, stalled-sink, killed-driver
 *   --dir DIR            the run directory (must not exist or be empty; default: a new temporary directory)
 *   --seed N             the purchases' random seed (default 42)
 * </pre>
 */
record DemoOptions(Pace pace, List<Incident> incidents, Path dir, long seed) {

    static DemoOptions parse(String... args) {
        Pace pace = Pace.NORMAL;
        List<Incident> incidents = new ArrayList<>(List.of(Incident.values()));
        List<Incident> chosen = new ArrayList<>();
        boolean none = false;
        Path dir = null;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--short" -> pace = Pace.SHORT;
                case "--no-timeline" -> none = true;
                case "--incident" -> {
                    String name = value(args, ++i, a);
                    chosen.add(Incident.named(name).orElseThrow(() -> new IllegalArgumentException(
                            "--incident: unknown incident '" + name + "' (known: " + Incident.names() + ")")));
                }
                case "--dir" -> dir = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--seed" -> {
                    String n = value(args, ++i, a);
                    try {
                        seed = Long.parseLong(n);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed: not a whole number: '" + n + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see README.md, \"The demo\")");
            }
        }
        if (none) {
            incidents.clear();
        } else if (!chosen.isEmpty()) {
            incidents = chosen;
        }
        return new DemoOptions(pace, List.copyOf(incidents), dir, seed);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
