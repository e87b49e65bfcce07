package io.streamops.exporter.silence;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Refuses a silence regex whose counted repetitions would make RE2 compile an enormous program: RE2/J
 * matches in time linear in the input, but unrolls {@code x{n}} into n copies of x when compiling, so
 * nested counts multiply ({@code ((a{1000}){1000}){1000}} is a billion instructions). RE2/J does not
 * expose its parse tree, so this walks the pattern's nesting itself; it only has to find every counted
 * repetition and the groups around it, and errs on the side of refusing (a {@code {n}} it cannot tell
 * from a literal is counted). Anything else malformed is left to RE2's own parser to report.
 */
final class RepetitionBound {
    private RepetitionBound() {
    }

    /** @throws IllegalArgumentException naming the matcher, when a count or a product of nested counts is too large */
    static void check(String label, String regex) {
        // Per open group: the largest product of counts inside it so far.
        Deque<Long> inside = new ArrayDeque<>();
        inside.push(1L);
        long lastAtom = 1; // the product of counts within the atom just read (a group's inside, else 1)
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i = afterEscape(regex, i);
                lastAtom = 1;
            } else if (c == '[') {
                i = afterClass(regex, i);
                lastAtom = 1;
            } else if (c == '(') {
                inside.push(1L);
                i++;
            } else if (c == ')') {
                lastAtom = inside.size() > 1 ? inside.pop() : 1;
                inside.push(Math.max(inside.pop(), lastAtom));
                i++;
            } else if (c == '{' && countEnd(regex, i) > 0) {
                int end = countEnd(regex, i);
                long count = largestBound(regex.substring(i + 1, end));
                if (count > SilenceLimits.MAX_REPEAT_COUNT) {
                    throw new IllegalArgumentException("matcher " + label + ": the repetition " + regex.substring(i, end + 1)
                            + " counts more than " + SilenceLimits.MAX_REPEAT_COUNT);
                }
                long product = count * lastAtom;
                if (product > SilenceLimits.MAX_REPEAT_PRODUCT) {
                    throw new IllegalArgumentException("matcher " + label + ": nested repetitions up to "
                            + regex.substring(i, end + 1) + " multiply to " + product + " copies, at most "
                            + SilenceLimits.MAX_REPEAT_PRODUCT + " are allowed");
                }
                inside.push(Math.max(inside.pop(), product));
                lastAtom = product;
                i = end + 1;
            } else {
                if (c != '*' && c != '+' && c != '?') {
                    lastAtom = 1;
                }
                i++;
            }
        }
    }

    /** Where {@code {n}}, {@code {n,}} or {@code {n,m}} starting at {@code open} ends (its '}'), or -1 if it is none. */
    private static int countEnd(String regex, int open) {
        int i = open + 1;
        int digits = 0;
        while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= regex.length()) {
            return -1;
        }
        if (regex.charAt(i) == ',') {
            i++;
            while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
                i++;
            }
        }
        return i < regex.length() && regex.charAt(i) == '}' ? i : -1;
    }

    /** The larger bound of "n", "n," or "n,m"; anything too long to parse is too large. */
    private static long largestBound(String bounds) {
        long largest = 0;
        for (String n : bounds.split(",")) {
            if (!n.isEmpty()) {
                largest = Math.max(largest, n.length() > 9 ? Long.MAX_VALUE / 2 : Long.parseLong(n));
            }
        }
        return Math.min(largest, Long.MAX_VALUE / 2);
    }

    /** After the escape at {@code backslash}: one character, a braced {@code \x{..}}/{@code \p{..}}, or {@code \Q..\E}. */
    private static int afterEscape(String regex, int backslash) {
        int i = backslash + 1;
        if (i >= regex.length()) {
            return i;
        }
        char c = regex.charAt(i);
        if (c == 'Q') {
            int end = regex.indexOf("\\E", i + 1);
            return end < 0 ? regex.length() : end + 2;
        }
        if ((c == 'x' || c == 'p' || c == 'P') && i + 1 < regex.length() && regex.charAt(i + 1) == '{') {
            int end = regex.indexOf('}', i + 2);
            return end < 0 ? regex.length() : end + 1;
        }
        return i + 1;
    }

    /** After the character class opening at {@code open}: a ']' right after '[' or '[^' is a member, escapes are skipped. */
    private static int afterClass(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i = afterEscape(regex, i);
            } else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
                int end = regex.indexOf(":]", i + 2);
                i = end < 0 ? i + 1 : end + 2;
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
