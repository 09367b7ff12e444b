package io.kmsjca.cli;

import io.kmsjca.keys.KeyGrant;

import java.util.List;

/** A page of grants as ListGrants prints it: {@code Grants}, {@code NextMarker} and {@code Truncated}. */
final class GrantPage {

    static final int MAX_LIMIT = 100;

    private GrantPage() {
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CliException(ExitCode.USAGE, "--limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
    }

    /**
     * The grants after {@code marker} (the last grant id of the previous page; null: from the
     * first), at most {@code limit} of them.
     */
    static Shapes.Result of(List<KeyGrant> grants, int limit, String marker) {
        int from = 0;
        if (marker != null) {
            from = indexOf(grants, marker) + 1;
            if (from == 0) {
                throw new CliException(ExitCode.USAGE, "--marker names no grant of this list (retired or revoked since?);"
                        + " list again without --marker");
            }
        }
        int to = Math.min(grants.size(), from + limit);
        boolean truncated = to < grants.size();
        return Shapes.result().with("Grants", grants.subList(from, to).stream().map(Shapes::grant).toList())
                .with("NextMarker", truncated ? grants.get(to - 1).grantId() : null)
                .with("Truncated", truncated);
    }

    private static int indexOf(List<KeyGrant> grants, String grantId) {
        for (int i = 0; i < grants.size(); i++) {
            if (grants.get(i).grantId().equals(grantId)) {
                return i;
            }
        }
        return -1;
    }
}
