package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.RecordSeal;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.file.StoreImage;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every format's encoding of fixed inputs, fingerprinted together with its version number. If
 * an encoding changes, this fails until the format gets a new version number (and a new golden
 * file in conformance-tests) and the fingerprint below is updated with it: a format never
 * changes silently. The golden files prove old versions still read.
 */
class FormatFingerprintTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final byte[] MATERIAL = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    /** Where the version byte stands, after the magic ("KMSJCAKS", "KMSR"): read from the encoding, not assumed. */
    private static final int STORE_IMAGE_VERSION_OFFSET = 8;
    private static final int ROOT_KEY_HEADER_VERSION_OFFSET = 4;

    /** format -> "version:sha256 of the fixed encoding" */
    private static final Map<String, String> EXPECTED = with(with(with(Map.of(
            // version 2: a label of its own, and the header out of the GCM AAD (the derived key binds it); version 1 is still read
            "wrapped-key", "2:b3591f8e2bef21dd07e9badc12bfc8978545b064f46e89e349f060eefc05570b",
            "store-image", "1:3e196d6bddc0c0c616484645e68cf488fc6358a50d7b852f2f9ba7bd1ebd2b37",
            "root-key-header", "1:e1472f97bcdea1f33d5607a5a8c24d7d6f72f5feed1d5a28a4124aa7898430d3",
            "root-key-header-slots", "2:bd92f1750b4ad6bf063084568e562d392a259f265cb3858884b516515be22a5b",
            "record-payload", "2:1f3a1ec6de6c196dcc76188fc0aabbd94f8d0586ec8994c1435ab1c19cc2e0ac",
            "record-payload-with-access", "3:8607408171e2505bc26737acb830a9ecd337cc42244b95762f49b3e2242ffb58",
            "encryption-context", "1:963abe4725519766d26eea706d6868465b5df0846e995de422d043e666f4d68f",
            // version 3: no header tag (the body's commitment binds the header); version 1 is still read
            "envelope-header", "3:4314bd81b723201ebe78e67458f3582f15130234019226fe5f07746559a5e3bb",
            "envelope-header-signed", "2:048ecd1a180f1353bed817fb815b210d63ab5a7e37da627632925581970a2e31",
            "sealed-record", "2:cafd667614fc366780c0d851eefa0fedaee9b5dc5e49ead99241c7877b8101b4"),
            // version 4: an asymmetric key (AsymmetricRecordTest's golden key: Ed25519, two certificates)
            "record-payload-key-pair", "4:bb8dd06088b90400fe75b9ebb1ad054a2443b9b1a9d9d03c92d1e87aa3af5883"),
            // version 5: an HMAC key (HmacRecordTest's golden key: HMAC_256 with a grant)
            "record-payload-hmac", "5:46bbcf2922c6726fe5c946d8cddbe56a4c846461f030cf059c2f0737a9df2e34"),
            // a version-2 header whose slot holds a key pair (sealing per principal; the sealed payload,
            // version 6, is random by design: SealedRecordTest's golden file pins it)
            "root-key-header-slot-key-pair", "2:f7bf2e6f21702c548522c2e344869a78139ef699eb8a8fe8be932d6afa822f48");

    private static Map<String, String> with(Map<String, String> first, String key, String value) {
        var all = new java.util.HashMap<>(first);
        all.put(key, value);
        return Map.copyOf(all);
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static Map<String, String> actual() throws Exception {
        var ctx = EncryptionContext.of(Map.of("tenant", "acme", "file", "a.txt"));
        // wrapped key: the layout and the derivation of its GCM key and commitment
        Mac mac = Primitives.mac("HmacSHA256");
        DerivedKey d = DerivedKey.derive(new SecretBytes(MATERIAL, "HmacSHA256"), WrappedKeyBlob.VERSION, ID, 3, new byte[32], mac);
        byte[] blob = WrappedKeyBlob.newBlob(ID, 3, d.salt, d.commitment, 0L, 0);
        byte[] wrapped = concat(blob, d.gcmKey.getEncoded());

        var record = new KeyRecord(ID.toString(), 7, new byte[] {1, 2, 3});
        byte[] image = new StoreImage(new byte[] {9, 9}, List.of(record)).encode((data, off, len) -> {
            try {
                Mac h = Primitives.mac("HmacSHA256");
                h.init(new SecretBytes(MATERIAL, "HmacSHA256"));
                h.update(data, off, len);
                return h.doFinal();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] root = new RootKeyHeader(Argon2Params.of(64, 1, 1), new byte[16], new byte[12], new byte[48]).encode();
        // version 2: the version-1 slot carried over, a password slot and a key-file slot, and the AAD of each kind
        KeySlots slots = KeySlots.decode(root)
                .with(new KeySlot(KeySlot.Kind.PASSWORD, "alice", KeySlot.ADMINISTRATOR, Argon2Params.of(64, 1, 1),
                        new byte[16], new byte[12], new byte[48]))
                .with(new KeySlot(KeySlot.Kind.KEY_FILE, "svc", KeySlot.ACTS_FOR_OTHERS, null, new byte[16], new byte[12],
                        new byte[48]));
        byte[] slotBytes = slots.encode();
        byte[] slotAads = concat(concat(slots.slots().get(0).aad(), slots.slots().get(1).aad()), slots.slots().get(2).aad());
        MasterKey key = new MasterKey(ID, 1, "desc", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null, List.of("orders"),
                Map.of("team", "shop", "cost-center", "42"), 365, 1, List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, MATERIAL, 5)));
        byte[] payload = MasterKeyCodec.encode(key);
        // version 3: the same key with a key policy and a grant
        MasterKey guarded = new MasterKey(ID, 1, "desc", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null, List.of("orders"),
                Map.of("team", "shop"), 365, 1, List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, MATERIAL, 5)),
                new io.kmsjca.internal.model.AccessRules("{\"Statement\": []}", List.of(new io.kmsjca.keys.KeyGrant(
                        "ab".repeat(32), ID, "g", "app", "ops", "alice",
                        java.util.Set.of(io.kmsjca.keys.GrantOperation.Decrypt, io.kmsjca.keys.GrantOperation.Encrypt),
                        Map.of(), Map.of("tenant", "42"), T))));
        byte[] guardedPayload = MasterKeyCodec.encode(guarded);
        byte[] envelope = EnvelopeHeader.body(ctx, List.of(new byte[WrappedKeyBlob.OVERHEAD + 32]));
        byte[] verificationKey = new byte[EnvelopeHeader.VERIFICATION_KEY_BYTES];
        verificationKey[0] = 4;
        byte[] signedEnvelope = EnvelopeHeader.body(ctx, List.of(new byte[WrappedKeyBlob.OVERHEAD + 32]), verificationKey);
        // a sealed record with the generator's bytes fixed: the salt, key and nonce derivations and the layout
        byte[] sealed = new RecordSeal(new SecretBytes(MATERIAL, "HmacSHA256")).seal(ID.toString(), 7, new byte[] {1, 2, 3},
                new byte[RecordSeal.SALT_BYTES]);
        byte[] keyPairPayload = MasterKeyCodec.encode(AsymmetricRecordTest.goldenKey());
        byte[] hmacPayload = MasterKeyCodec.encode(HmacRecordTest.goldenKey());
        byte[] publicKey = new byte[KeySlot.PUBLIC_KEY_BYTES];
        publicKey[0] = 9;
        KeySlots withPair = KeySlots.decode(root).with(new KeySlot(KeySlot.Kind.KEY_FILE, "svc", KeySlot.HOLDS_KEY_PAIR, null,
                new byte[16], new byte[12], new byte[KeySlot.WRAPPED_WITH_KEY_PAIR_BYTES], publicKey));
        byte[] pairBytes = withPair.encode();
        byte[] pairAad = withPair.slots().get(1).aad();
        return with(with(with(Map.of(
                "wrapped-key", blob[4] + ":" + sha(wrapped),
                "store-image", image[STORE_IMAGE_VERSION_OFFSET] + ":" + sha(image),
                "root-key-header", root[ROOT_KEY_HEADER_VERSION_OFFSET] + ":" + sha(root),
                "root-key-header-slots", slotBytes[ROOT_KEY_HEADER_VERSION_OFFSET] + ":" + sha(concat(slotBytes, slotAads)),
                // a key with the default access rules is written as version 2, byte for byte as before
                "record-payload", payload[0] + ":" + sha(payload),
                "record-payload-with-access", guardedPayload[0] + ":" + sha(guardedPayload),
                // the context has no version byte of its own: it changes only with a new version of
                // every format that carries it, so its fingerprint stays at 1 until then
                "encryption-context", "1:" + sha(ctx.encoded()),
                "envelope-header", envelope[4] + ":" + sha(envelope),
                "envelope-header-signed", signedEnvelope[4] + ":" + sha(signedEnvelope),
                "sealed-record", RecordSeal.VERSION + ":" + sha(sealed)),
                "record-payload-key-pair", keyPairPayload[0] + ":" + sha(keyPairPayload)),
                "record-payload-hmac", hmacPayload[0] + ":" + sha(hmacPayload)),
                "root-key-header-slot-key-pair", pairBytes[ROOT_KEY_HEADER_VERSION_OFFSET] + ":" + sha(concat(pairBytes, pairAad)));
    }

    @Test
    void noFormatChangesWithoutANewVersionNumber() throws Exception {
        Map<String, String> now = actual();
        StringBuilder report = new StringBuilder();
        for (var e : EXPECTED.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) {
                report.append("\n  ").append(e.getKey()).append(": expected ").append(e.getValue()).append(", now ")
                        .append(now.get(e.getKey()));
            }
        }
        assertEquals("", report.toString(), "a format's bytes changed; if intended, raise its version number, add a "
                + "golden file of the new version, and update the fingerprint here");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
