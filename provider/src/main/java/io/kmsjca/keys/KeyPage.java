package io.kmsjca.keys;

import java.util.List;

/**
 * One page of {@link KeyService#listKeys(int, String)}.
 *
 * @param nextMarker pass it to get the next page; null on the last page
 */
public record KeyPage(List<KeyMetadata> keys, String nextMarker) {
    public KeyPage {
        keys = List.copyOf(keys);
    }
}
