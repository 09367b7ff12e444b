package io.kmsjca.internal.remote;

/**
 * An AWS KMS listing, followed page by page to its end. A server that names the marker just sent
 * as the next one, or goes on past {@link #MAX_PAGES}, loops: its listing is refused, never
 * returned cut short as if it were whole.
 */
final class RemotePages {

    /** Entries asked for per page. */
    static final int PAGE = 100;
    /** How many pages a listing follows at most: 1000 pages of 100 entries. */
    static final int MAX_PAGES = 1000;

    /** One page's request, after {@code marker} (null: the first page). */
    @FunctionalInterface
    interface Request {
        Fields page(String marker) throws RemoteFailure;
    }

    /** What a caller takes from one page. */
    @FunctionalInterface
    interface Reader {
        void read(Fields page) throws RemoteFailure;
    }

    private RemotePages() {
    }

    /** Asks for every page of {@code operation}'s listing and hands each to {@code reader}, in order. */
    static void readAll(String url, String operation, Request request, Reader reader) throws RemoteFailure {
        String marker = null;
        for (int page = 0; ; page++) {
            Fields answer = request.page(marker);
            reader.read(answer);
            marker = next(url, operation, marker, nextMarker(url, operation, answer), page);
            if (marker == null) {
                return;
            }
        }
    }

    /**
     * The marker of the page after {@code answer}; null on the last page. A page that says it is
     * truncated and names no marker to go on from is a protocol failure, not the last page.
     */
    static String nextMarker(String url, String operation, Fields answer) throws RemoteFailure {
        if (!answer.bool("Truncated", false)) {
            return null;
        }
        String next = answer.optionalString("NextMarker");
        if (next == null) {
            throw RemoteFailure.protocol(url, operation, "a truncated page without a NextMarker: the listing cannot go on");
        }
        return next;
    }

    /**
     * {@code next}, the marker that page {@code page} (counted from 0) named after {@code sent}:
     * a protocol failure when it names {@code sent} again or when no page may follow.
     */
    static String next(String url, String operation, String sent, String next, int page) throws RemoteFailure {
        if (next != null && (next.equals(sent) || page + 1 >= MAX_PAGES)) {
            throw RemoteFailure.protocol(url, operation, next.equals(sent)
                    ? "a page naming the marker it was asked for, " + next + ", as the next one: a listing that never ends"
                    : "more than " + MAX_PAGES + " pages");
        }
        return next;
    }
}
