package io.kmsjca.internal.remote;

/**
 * A request to a kms-jca server that did not succeed: either it never got an answer (the server
 * cannot be reached, the connection broke, it timed out: {@link #type()} is null) or the server
 * answered with an AWS error ({@code NotFoundException}, {@code DisabledException}, ...).
 * {@link RemoteErrors} turns it into the exception the embedded mode throws in that case.
 */
final class RemoteFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final String type;
    private final String serverMessage;
    private final int status;
    private final boolean retryable;

    private RemoteFailure(String message, Throwable cause, String url, String type, String serverMessage, int status,
                          boolean retryable) {
        super(message, cause);
        this.url = url;
        this.type = type;
        this.serverMessage = serverMessage;
        this.status = status;
        this.retryable = retryable;
    }

    /** No answer: connection refused or reset, a timeout, a broken response. Worth retrying a safe request. */
    static RemoteFailure unreachable(String url, String operation, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new RemoteFailure("kms-jca server " + url + " cannot be reached (" + operation + "): " + why, cause, url,
                null, null, 0, true);
    }

    /** The server answered {@code status} with the AWS error {@code type}. */
    static RemoteFailure answered(String url, String operation, int status, String type, String serverMessage) {
        boolean retryable = status >= 500 || "ThrottlingException".equals(type);
        return new RemoteFailure(type + ": " + serverMessage + " (kms-jca server " + url + ", " + operation + ")", null,
                url, type, serverMessage, status, retryable);
    }

    /** The server answered with something that is not the AWS KMS JSON protocol. */
    static RemoteFailure protocol(String url, String operation, String what) {
        return new RemoteFailure("kms-jca server " + url + " answered " + operation + " with " + what, null, url,
                "ProtocolError", what, 0, false);
    }

    /** This client was closed: its secret is wiped, so nothing is sent. */
    static RemoteFailure closed(String url, String operation) {
        return new RemoteFailure("the client of kms-jca server " + url + " was closed (" + operation + ")", null, url,
                "ClientClosed", "closed", 0, false);
    }

    /** The server's URL. */
    String url() {
        return url;
    }

    /** The AWS error type ({@code NotFoundException}), or null when the server gave no answer. */
    String type() {
        return type;
    }

    /** What the server said, or null. */
    String serverMessage() {
        return serverMessage;
    }

    int status() {
        return status;
    }

    /** Whether a safe request may be sent again: no answer, a 5xx, or ThrottlingException. */
    boolean retryable() {
        return retryable;
    }

    boolean is(String awsType) {
        return awsType.equals(type);
    }
}
