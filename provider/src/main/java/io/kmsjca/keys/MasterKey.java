package io.kmsjca.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A master key at one revision: immutable. A change makes a new {@code MasterKey} that shares
 * the unchanged {@link KeyVersion}s, and the key service swaps it in atomically.
 */
public final class MasterKey {

    private final UUID id;
    private final long revision;
    private final String description;
    private final KeyState state;
    private final KeyManagerType manager;
    private final Instant created;
    private final Instant deletionDate;
    private final List<String> aliases;
    private final List<KeyVersion> versions;

    MasterKey(UUID id, long revision, String description, KeyState state, KeyManagerType manager, Instant created,
              Instant deletionDate, List<String> aliases, List<KeyVersion> versions) {
        this.id = Objects.requireNonNull(id);
        this.revision = revision;
        this.description = Objects.requireNonNull(description);
        this.state = Objects.requireNonNull(state);
        this.manager = Objects.requireNonNull(manager);
        this.created = Objects.requireNonNull(created);
        this.deletionDate = deletionDate;
        if ((state == KeyState.PENDING_DELETION) != (deletionDate != null)) {
            throw new IllegalArgumentException("a deletion date is set exactly when the key is PendingDeletion");
        }
        this.aliases = List.copyOf(new TreeSet<>(aliases));
        this.versions = List.copyOf(versions);
        for (int i = 0; i < this.versions.size(); i++) {
            if (this.versions.get(i).number() != i + 1) {
                throw new IllegalArgumentException("key versions must be numbered 1, 2, 3, ...");
            }
        }
        if (this.versions.isEmpty()) {
            throw new IllegalArgumentException("a master key has at least one version");
        }
    }

    public UUID id() {
        return id;
    }

    long revision() {
        return revision;
    }

    public String description() {
        return description;
    }

    public KeyState state() {
        return state;
    }

    public KeyManagerType manager() {
        return manager;
    }

    public Instant created() {
        return created;
    }

    public Optional<Instant> deletionDate() {
        return Optional.ofNullable(deletionDate);
    }

    public List<String> aliases() {
        return aliases;
    }

    List<KeyVersion> versions() {
        return versions;
    }

    /** The version every new wrap uses. */
    public KeyVersion current() {
        return versions.get(versions.size() - 1);
    }

    /** The version a blob names, if this key has it. */
    Optional<KeyVersion> version(int number) {
        return number >= 1 && number <= versions.size() ? Optional.of(versions.get(number - 1)) : Optional.empty();
    }

    /** The origin of the key: that of its first version. */
    public KeyOrigin origin() {
        return versions.get(0).origin();
    }

    /** How the key is named in messages: its alias if it has one, and its id. */
    public String displayName() {
        return aliases.isEmpty() ? id.toString() : "alias/" + aliases.get(0) + " (" + id + ")";
    }

    MasterKey atRevision(long next) {
        return new MasterKey(id, next, description, state, manager, created, deletionDate, aliases, versions);
    }

    MasterKey withVersion(KeyVersion added) {
        var all = new ArrayList<>(versions);
        all.add(added);
        return new MasterKey(id, revision, description, state, manager, created, deletionDate, aliases, all);
    }

    MasterKey withAliases(List<String> next) {
        return new MasterKey(id, revision, description, state, manager, created, deletionDate, next, versions);
    }

    MasterKey withState(KeyState next, Instant nextDeletionDate) {
        return new MasterKey(id, revision, description, next, manager, created, nextDeletionDate, aliases, versions);
    }

    /** What callers may see: everything but the material. */
    public KeyMetadata metadata() {
        return new KeyMetadata(id, aliases, description, state, origin(), manager, created, deletionDate,
                current().number(), versions.size());
    }
}
