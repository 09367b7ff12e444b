package org.crac;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test stand-in for {@code org.crac.Core}: the global context, and {@link #simulateRestore()},
 * which notifies every registered resource as a runtime does after restoring a snapshot.
 */
public final class Core {

    private static final List<Resource> RESOURCES = new CopyOnWriteArrayList<>();

    private static final Context<Resource> GLOBAL = new Context<>() {
        @Override
        public void register(Resource resource) {
            RESOURCES.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
            for (Resource r : RESOURCES) {
                r.beforeCheckpoint(this);
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws Exception {
            for (Resource r : RESOURCES) {
                r.afterRestore(this);
            }
        }
    };

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /** What the runtime does around a checkpoint and the restore from it. */
    public static void simulateRestore() throws Exception {
        simulateCheckpointStart();
        simulateRestoreEnd();
    }

    /** The first half: the hooks a runtime runs before it takes the snapshot. */
    public static void simulateCheckpointStart() throws Exception {
        GLOBAL.beforeCheckpoint(null);
    }

    /** The second half: the hooks a runtime runs once restored (or once the checkpoint failed). */
    public static void simulateRestoreEnd() throws Exception {
        GLOBAL.afterRestore(null);
    }
}
