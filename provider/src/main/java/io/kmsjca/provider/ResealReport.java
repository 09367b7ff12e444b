package io.kmsjca.provider;

import java.util.List;

/**
 * What {@link KmsAdmin#resealKeys} did (docs/authorization.md, "Sealing per principal").
 *
 * @param resealedKeys        how many keys were sealed anew to the principals that may use them now
 * @param keysNobodyMayUse    ids of keys whose material is still in the record, readable by every
 *                            credential, because no credential of the store may use them: give a
 *                            principal with a credential the use of each (a key policy, a grant), or
 *                            delete it
 */
public record ResealReport(int resealedKeys, List<String> keysNobodyMayUse) {
    public ResealReport {
        keysNobodyMayUse = List.copyOf(keysNobodyMayUse);
    }
}
