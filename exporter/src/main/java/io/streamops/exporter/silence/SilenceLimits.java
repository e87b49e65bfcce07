package io.streamops.exporter.silence;

/**
 * Bounds on what an operator can make the router do through {@code /api/silences}: every silence is
 * checked against every alert on the router's thread, so their number and size must be bounded, and
 * their patterns must match in linear time ({@link SilenceMatchers}).
 */
public final class SilenceLimits {
    /** Matchers in one silence. */
    public static final int MAX_MATCHERS = 32;
    /** Characters in one matcher's label name or value (a regex included). */
    public static final int MAX_MATCHER_CHARS = 1024;
    /** The count of one counted repetition ({@code x{n}}, {@code x{n,m}}: the larger bound). */
    public static final int MAX_REPEAT_COUNT = 100;
    /**
     * Counted repetitions nested in each other multiply (RE2 unrolls them when compiling): 23 characters of
     * {@code ((a{1000}){1000}){1000}} ran a 512 MB heap out of memory. Their product is bounded by this.
     */
    public static final int MAX_REPEAT_PRODUCT = 1000;
    /** Silences that have not ended, all instances together: the store refuses a new one beyond this. */
    public static final int MAX_SILENCES = 1000;

    private SilenceLimits() {
    }
}
