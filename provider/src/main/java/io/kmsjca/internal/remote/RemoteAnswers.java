package io.kmsjca.internal.remote;

import java.util.UUID;

/**
 * Checks that a server's answer is about what was asked: an answer about another key, made with
 * another algorithm, or naming a value this client does not know is a protocol failure, never
 * taken for the answer to this request.
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
        if ((KeyReferences.isKeyId(ref) || ref.startsWith("arn:") && ref.contains(":key/"))
                && !got.toString().equalsIgnoreCase(id)) {
            throw RemoteFailure.protocol(url, operation, "an answer about key " + got + ", not about key " + id);
        }
        return got;
    }

    /** The constant of {@code type} that an answer names; one this client does not know is a protocol failure. */
    static <E extends Enum<E>> E named(String url, String operation, Class<E> type, String name) throws RemoteFailure {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw RemoteFailure.protocol(url, operation, "a " + type.getSimpleName() + " it does not know, " + name);
    }

    /** Refuses an answer that names an algorithm other than {@code asked} (naming none is allowed). */
    static void algorithmAnswered(String url, String asked, String got, String operation) throws RemoteFailure {
        if (got != null && !got.equals(asked)) {
            throw RemoteFailure.protocol(url, operation, "an answer for algorithm " + got + ", not " + asked);
        }
    }
}
