package io.kmsjca.internal.policy;

/**
 * Glob matching as IAM does it: {@code *} matches any run of characters (including none),
 * {@code ?} exactly one; everything else literally. Linear-time greedy matching with one
 * backtrack point, no allocation.
 */
final class Wildcard {

    private Wildcard() {
    }

    static boolean hasWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /**
     * Whether {@code text} matches {@code pattern}. With {@code ignoreCase}, {@code pattern} must
     * already be lower case and each character of {@code text} is lowered before comparing.
     */
    static boolean matches(String pattern, String text, boolean ignoreCase) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        int pn = pattern.length();
        int tn = text.length();
        while (t < tn) {
            if (p < pn) {
                char pc = pattern.charAt(p);
                if (pc == '*') {
                    star = p++;
                    mark = t;
                    continue;
                }
                char tc = text.charAt(t);
                if (ignoreCase) {
                    tc = Character.toLowerCase(tc);
                }
                if (pc == '?' || pc == tc) {
                    p++;
                    t++;
                    continue;
                }
            }
            if (star < 0) {
                return false;
            }
            p = star + 1;
            t = ++mark;
        }
        while (p < pn && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pn;
    }
}
