package io.kmsjca.postgres;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Map;

/**
 * Audit events into the table {@code kmsjca_audit} of the store's database, one row each, so a
 * fleet's trail can be queried in one place ({@code store.postgres.auditTable=true}). A failed
 * insert throws, and the audit delivery policy decides what that means (fail-closed by default).
 * Encryption-context values arrive already as the policy made them (HMACs by default).
 */
final class PostgresAuditListener implements AuditListener {

    private static final String INSERT = "INSERT INTO kmsjca_audit (event_id, store, time, operation, key_id, key_version, "
            + "alias, principal, principal_source, outcome, error_class, error_message, encryption_context, request_id, "
            + "provider_instance, host, destination_key_id, destination_key_version) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";

    private final DataSource pool;
    private final String store;

    PostgresAuditListener(DataSource pool, String store) {
        this.pool = pool;
        this.store = store;
    }

    @Override
    public void onEvent(AuditEvent e) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setObject(1, e.eventId());
            s.setString(2, store);
            s.setTimestamp(3, Timestamp.from(e.time()));
            s.setString(4, e.operation().name());
            s.setString(5, e.keyId());
            setVersion(s, 6, e.keyVersion());
            s.setString(7, e.alias());
            s.setString(8, e.principal());
            s.setString(9, e.principalSource());
            s.setString(10, e.outcome().name());
            s.setString(11, e.errorClass());
            s.setString(12, e.errorMessage());
            s.setString(13, json(e.encryptionContext()));
            s.setString(14, e.requestId());
            s.setString(15, e.providerInstance());
            s.setString(16, e.host());
            s.setString(17, e.destinationKeyId());
            setVersion(s, 18, e.destinationKeyVersion());
            s.executeUpdate();
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot write the audit event to PostgreSQL: " + ex.getMessage(), ex);
        }
    }

    private static void setVersion(PreparedStatement s, int index, int version) throws SQLException {
        if (version > 0) {
            s.setInt(index, version);
        } else {
            s.setNull(index, Types.INTEGER);
        }
    }

    /** A JSON object of string pairs (the event's map is already sorted). */
    static String json(Map<String, String> pairs) {
        StringBuilder b = new StringBuilder("{");
        pairs.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            quote(b, k).append(':');
            quote(b, v);
        });
        return b.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"');
    }
}
