package io.kmsjca.keys;

import java.time.Instant;

/** One version of a key as {@link KeyService#listKeyRotations} reports it. */
public record KeyRotation(int version, Instant date, RotationReason reason, VersionState state, long wraps) {
}
