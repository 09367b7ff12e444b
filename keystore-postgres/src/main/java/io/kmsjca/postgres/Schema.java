package io.kmsjca.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables of the PostgreSQL key store, created and migrated by the backend itself: the
 * pending migrations run in one transaction under an advisory lock, so many JVMs starting at
 * once against a new database agree and none sees a half-made schema. The version reached is
 * in {@code kmsjca_schema}; a database migrated by a newer kms-jca is refused, not guessed at.
 */
final class Schema {

    /** Every migration, in order; the schema version is the number of them applied. */
    static final List<String[]> MIGRATIONS = List.of(
            new String[] {
                // 1: one header per store, one sealed record per key
                "CREATE TABLE kmsjca_store (store text PRIMARY KEY, header bytea NOT NULL, "
                        + "updated timestamptz NOT NULL DEFAULT now())",
                "CREATE TABLE kmsjca_key (store text NOT NULL, key_id text NOT NULL, "
                        + "revision bigint NOT NULL CHECK (revision >= 1), sealed bytea NOT NULL, "
                        + "updated timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (store, key_id))"
            },
            new String[] {
                // 2: the optional audit trail
                "CREATE TABLE kmsjca_audit (event_id uuid PRIMARY KEY, store text NOT NULL, time timestamptz NOT NULL, "
                        + "operation text NOT NULL, key_id text, key_version integer, alias text, principal text NOT NULL, "
                        + "principal_source text NOT NULL, outcome text NOT NULL, error_class text, error_message text, "
                        + "encryption_context jsonb NOT NULL, request_id text NOT NULL, provider_instance text, host text, "
                        + "destination_key_id text, destination_key_version integer)",
                "CREATE INDEX kmsjca_audit_by_time ON kmsjca_audit (store, time)"
            });

    static final int VERSION = MIGRATIONS.size();
    /** The advisory lock of schema changes: any constant, the same in every JVM. */
    private static final long LOCK = 0x6b6d736a6361L; // "kmsjca"

    private Schema() {
    }

    /** Brings the database to {@link #VERSION}; does nothing when it is there already. */
    static void migrate(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS kmsjca_schema (version integer NOT NULL)");
            int version = version(s);
            if (version > VERSION) {
                throw new SQLException("the database's kms-jca schema is version " + version + ", newer than the "
                        + VERSION + " this kms-jca knows: upgrade kms-jca");
            }
            for (int next = version; next < VERSION; next++) {
                for (String statement : MIGRATIONS.get(next)) {
                    s.execute(statement);
                }
            }
            if (version < VERSION) {
                s.execute("DELETE FROM kmsjca_schema");
                s.execute("INSERT INTO kmsjca_schema (version) VALUES (" + VERSION + ")");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static int version(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT max(version) FROM kmsjca_schema")) {
            r.next();
            return r.getInt(1); // 0 when empty
        }
    }
}
