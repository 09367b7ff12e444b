package io.kmsjca.conformance;

/**
 * JUnit tags of the conformance tests. CI runs every test on JDK 17; on the newer JDK it may
 * leave out {@link #SAME_ON_EVERY_JDK} ({@code -Dkms.excludedGroups=same-on-every-jdk}) to stay
 * within its time budget.
 */
public final class Tags {

    /**
     * Long tests whose outcome cannot depend on the JDK: the 200-SIGKILL crash test (what the
     * file system keeps). The fuzzing execution has its own switch, {@code -Dkms.skipFuzzing=true}
     * (the same parser bytecode on any JDK); the saved fuzz inputs replay on every JDK.
     */
    public static final String SAME_ON_EVERY_JDK = "same-on-every-jdk";

    private Tags() {
    }
}
