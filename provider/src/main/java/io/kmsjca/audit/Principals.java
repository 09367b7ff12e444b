package io.kmsjca.audit;

import javax.security.auth.Subject;
import java.security.AccessController;
import java.security.Principal;
import java.util.stream.Collectors;

/** Resolves who made a request, in the order {@link KmsAuditContext} documents. */
final class Principals {

    record Resolved(String name, String source) {
    }

    private static final String OS_USER = System.getProperty("user.name", "unknown");

    private Principals() {
    }

    static Resolved current() {
        String subject = subjectNames();
        if (subject != null) {
            return new Resolved(subject, "subject");
        }
        String runAs = KmsAuditContext.runAsPrincipal();
        if (runAs != null) {
            return new Resolved(runAs, "run-as");
        }
        return new Resolved(OS_USER, "os-user");
    }

    /** The principals of the Subject of the calling context (Subject.doAs), sorted and joined. */
    @SuppressWarnings("removal") // Subject.getSubject is the JDK 17 way; Subject.current() arrives in 18
    private static String subjectNames() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null || subject.getPrincipals().isEmpty()) {
            return null;
        }
        return subject.getPrincipals().stream().map(Principal::getName).sorted().collect(Collectors.joining(","));
    }
}
