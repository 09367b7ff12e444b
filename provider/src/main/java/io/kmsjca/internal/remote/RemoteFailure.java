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

    /** The most of a server's words (its error type or message) kept: they go into messages, and so into logs. */
    static final int MAX_SERVER_TEXT = 512;

    /** The server answered {@code status} with the AWS error {@code type}. */
    static RemoteFailure answered(String url, String operation, int status, String type, String serverMessage) {
        type = printable(type);
        serverMessage = printable(serverMessage);
        boolean retryable = status >= 500 || "ThrottlingException".equals(type);
        return new RemoteFailure(type + ": " + serverMessage + " (kms-jca server " + url + ", " + operation + ")", null,
                url, type, serverMessage, status, retryable);
    }

    /** The server answered with something that is not the AWS KMS JSON protocol. */
    static RemoteFailure protocol(String url, String operation, String what) {
        what = printable(what);
        return new RemoteFailure("kms-jca server " + url + " answered " + operation + " with " + what, null, url,
                "ProtocolError", what, 0, false);
    }

    /** This client was closed: its secret is wiped, so nothing is sent. */
    static RemoteFailure closed(String url, String operation) {
        return new RemoteFailure("the client of kms-jca server " + url + " was closed (" + operation + ")", null, url,
                "ClientClosed", "closed", 0, false);
    }

    /**
     * A server's text as it may enter a message: at most {@link #MAX_SERVER_TEXT} characters, and
     * no control character (a line break would forge a log line), each shown as '?'.
     */
    static String printable(String s) {
        if (s == null) {
            return null;
        }
        int n = Math.min(s.length(), MAX_SERVER_TEXT);
        StringBuilder b = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? '?' : c);
        }
        if (s.length() > n) {
            b.append("... (").append(s.length() - n).append(" more characters)");
        }
        return b.toString();
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
