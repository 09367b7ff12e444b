package io.kmsjca.internal.remote;

import java.util.UUID;

/**
 * Checks that a server's answer is about what was asked: an answer about another key, or made
 * with another algorithm, is a protocol failure, never taken for the answer to this request.
 */
final class RemoteAnswers {

    private RemoteAnswers() {
    }

    /**
     * {@code got}, the key an answer is about, if it is the key {@code asked} names: a key id or key
     * ARN must be answered for that very key (an alias is the server's to resolve).
     */
    static UUID answeredFor(String url, String asked, UUID got, String operation) throws RemoteFailure {
        String ref = asked.strip();
        String id = ref.startsWith("arn:") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
        if ((RemoteKeyService.isKeyId(ref) || ref.startsWith("arn:") && ref.contains(":key/"))
                && !got.toString().equalsIgnoreCase(id)) {
            throw RemoteFailure.protocol(url, operation, "an answer about key " + got + ", not about key " + id);
        }
        return got;
    }

    /** Refuses an answer that names an algorithm other than {@code asked} (naming none is allowed). */
    static void algorithmAnswered(String url, String asked, String got, String operation) throws RemoteFailure {
        if (got != null && !got.equals(asked)) {
            throw RemoteFailure.protocol(url, operation, "an answer for algorithm " + got + ", not " + asked);
        }
    }
}
