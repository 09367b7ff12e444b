package io.kmsjca.internal.audit;

import io.kmsjca.audit.KmsAuditContext;

import javax.security.auth.Subject;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.AccessController;
import java.security.Principal;
import java.util.List;

/** Resolves who made a request, in the order {@link KmsAuditContext} documents. */
public final class Principals {

    /** A principal's name and where it came from: {@code subject}, {@code run-as} or {@code os-user}. */
    public record Resolved(String name, String source) {
    }

    private static final Resolved OS_USER = new Resolved(System.getProperty("user.name", "unknown"), "os-user");

    /**
     * How this JDK tells the caller's Subject, chosen once: {@code Subject.current()} (JDK 18+;
     * set by {@code Subject.callAs}, and by {@code Subject.doAs} on every JDK that still has it),
     * else {@code Subject.getSubject(AccessController.getContext())} (JDK 17). Since JDK 23
     * {@code getSubject} throws unless a Security Manager is allowed, and JDK 24 removed the
     * Security Manager, so it must never be the first choice.
     */
    private static final SubjectLookup SUBJECT = SubjectLookup.forThisJdk();

    private Principals() {
    }

    /** Who is asking, on this thread. */
    public static Resolved current() {
        String subject = subjectNames();
        if (subject != null) {
            return new Resolved(subject, "subject");
        }
        String runAs = KmsAuditContext.runAsPrincipal();
        if (runAs != null) {
            return new Resolved(runAs, "run-as");
        }
        return OS_USER;
    }

    /** The principals of the caller's Subject, sorted and joined; null if there is none. */
    private static String subjectNames() {
        List<String> names = subjectPrincipalNames();
        return names.isEmpty() ? null : String.join(",", names);
    }

    /**
     * The names of the caller's Subject's principals, sorted (empty: no Subject): each is a name
     * a policy may name, so an authorization decides by each of them, not by their joined name.
     */
    public static List<String> subjectPrincipalNames() {
        Subject subject = SUBJECT.current();
        if (subject == null || subject.getPrincipals().isEmpty()) {
            return List.of();
        }
        return subject.getPrincipals().stream().map(Principal::getName).sorted().toList();
    }

    /** The caller's Subject, or null; never throws, so resolving a principal never fails a request. */
    @FunctionalInterface
    interface SubjectLookup {
        Subject current();

        static SubjectLookup forThisJdk() {
            MethodHandle current = subjectCurrent();
            if (current != null) {
                return () -> {
                    try {
                        return (Subject) current.invokeExact();
                    } catch (Throwable e) {   // a JDK that refuses: the next source decides
                        return null;
                    }
                };
            }
            return () -> {
                try {
                    return legacySubject();
                } catch (UnsupportedOperationException | SecurityException e) {
                    return null;
                }
            };
        }

        private static MethodHandle subjectCurrent() {
            try {
                return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                return null;   // JDK 17
            }
        }

        @SuppressWarnings("removal") // the JDK 17 way; only reached where Subject.current() does not exist
        private static Subject legacySubject() {
            return Subject.getSubject(AccessController.getContext());
        }
    }
}
