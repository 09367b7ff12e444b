package io.kmsjca.internal.store;

import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.kmsjca.internal.store.RecordFields.bound;
import static io.kmsjca.internal.store.RecordFields.readBlock;
import static io.kmsjca.internal.store.RecordFields.writeBlock;
import static io.kmsjca.internal.store.RecordFields.readString;
import static io.kmsjca.internal.store.RecordFields.writeString;

/**
 * A key's access rules in its record payload, from version 3 on (docs/FORMAT.md): its key policy
 * and its grants, each field bounded so that the most grants at these caps fit a record beside the
 * most versions.
 */
public final class AccessRulesCodec {

    /** Bounds of a grant's names and constraints in UTF-8 bytes: 50 grants at these fit a record beside the most versions. */
    public static final int MAX_PRINCIPAL_BYTES = 256;
    public static final int MAX_GRANT_NAME_BYTES = 256;
    public static final int MAX_GRANT_CONSTRAINT_BYTES = 1024;
    private static final int GRANT_ID_CHARS = 64;
    /** A policy of the most characters, each taking 3 UTF-8 bytes at most. */
    private static final int MAX_POLICY_BYTES = PolicyDocument.MAX_CHARS * 3;

    private AccessRulesCodec() {
    }

    /** Version 3: the key policy (absent: the default) and the grants. */
    static void write(DataOutputStream out, AccessRules access) throws IOException {
        out.writeBoolean(access.policy() != null);
        if (access.policy() != null) {
            byte[] p = access.policy().getBytes(StandardCharsets.UTF_8);
            writeBlock(out, p);
        }
        out.writeShort(access.grants().size());
        for (KeyGrant g : access.grants()) {
            writeString(out, g.grantId());
            writeString(out, g.name());
            writeString(out, g.granteePrincipal());
            writeString(out, g.retiringPrincipal() == null ? "" : g.retiringPrincipal());
            writeString(out, g.issuingPrincipal());
            int ops = 0;
            for (GrantOperation op : g.operations()) {
                ops |= 1 << op.ordinal();
            }
            out.writeInt(ops);
            writeContext(out, g.encryptionContextEquals());
            writeContext(out, g.encryptionContextSubset());
            out.writeLong(g.creationDate().toEpochMilli());
        }
    }

    static AccessRules read(ByteBuffer in, UUID keyId) {
        String policy = null;
        if (in.get() != 0) {
            byte[] p = readBlock(in, MAX_POLICY_BYTES, "key policy length");
            policy = new String(p, StandardCharsets.UTF_8);
        }
        int count = bound(in.getShort() & 0xFFFF, AccessRules.MAX_GRANTS, "grant count");
        List<KeyGrant> grants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String grantId = readString(in, GRANT_ID_CHARS);
            String name = readString(in, MAX_GRANT_NAME_BYTES);
            String grantee = readString(in, MAX_PRINCIPAL_BYTES);
            String retiring = readString(in, MAX_PRINCIPAL_BYTES);
            String issuer = readString(in, MAX_PRINCIPAL_BYTES);
            int bits = in.getInt();
            GrantOperation[] all = GrantOperation.values();
            if (bits == 0 || (bits >>> all.length) != 0) {
                throw new IllegalArgumentException("grant operations " + Integer.toHexString(bits) + " out of range");
            }
            var ops = EnumSet.noneOf(GrantOperation.class);
            for (GrantOperation op : all) {
                if ((bits & (1 << op.ordinal())) != 0) {
                    ops.add(op);
                }
            }
            Map<String, String> equals = readContext(in);
            Map<String, String> subset = readContext(in);
            Instant created = Instant.ofEpochMilli(in.getLong());
            grants.add(new KeyGrant(grantId, keyId, name, grantee, retiring.isEmpty() ? null : retiring, issuer, ops,
                    equals, subset, created));
        }
        return new AccessRules(policy, grants);
    }

    private static void writeContext(DataOutputStream out, Map<String, String> context) throws IOException {
        out.writeShort(context.size());
        for (Map.Entry<String, String> e : new TreeMap<>(context).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readContext(ByteBuffer in) {
        int pairs = bound(in.getShort() & 0xFFFF, MAX_GRANT_CONSTRAINT_BYTES / 2, "constraint pair count");
        Map<String, String> context = new LinkedHashMap<>();
        for (int i = 0; i < pairs; i++) {
            context.put(readString(in, MAX_GRANT_CONSTRAINT_BYTES), readString(in, MAX_GRANT_CONSTRAINT_BYTES));
        }
        return context;
    }
}
