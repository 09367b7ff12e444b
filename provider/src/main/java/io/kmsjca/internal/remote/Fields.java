package io.kmsjca.internal.remote;

import io.kmsjca.internal.json.StrictJson;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The members of one response object, read with their types checked: a member of the wrong type,
 * or a required one missing, is a {@link RemoteFailure#protocol protocol failure} naming it.
 */
final class Fields {

    private final Map<String, Object> json;
    private final String url;
    private final String operation;

    Fields(Map<String, Object> json, String url, String operation) {
        this.json = json;
        this.url = url;
        this.operation = operation;
    }

    String string(String name) throws RemoteFailure {
        String s = optionalString(name);
        if (s == null) {
            throw missing(name, "a string");
        }
        return s;
    }

    String optionalString(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw missing(name, "a string");
        }
        return s;
    }

    /** A base64 member (a blob or a plaintext); the caller wipes it. */
    byte[] blob(String name) throws RemoteFailure {
        try {
            return Base64.getDecoder().decode(string(name));
        } catch (IllegalArgumentException e) {
            throw missing(name, "base64");
        }
    }

    boolean bool(String name, boolean absent) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Boolean b)) {
            throw missing(name, "true or false");
        }
        return b;
    }

    long number(String name, long absent) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return absent;
        }
        if (!(v instanceof StrictJson.Num n)) {
            throw missing(name, "a number");
        }
        if (n.text().length() > 40) {
            throw missing(name, "a number of at most 40 characters");
        }
        try {
            return new BigDecimal(n.text()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw missing(name, "a whole number");
        }
    }

    /** AWS dates: seconds since the epoch, with a fraction. */
    Instant date(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return null;
        }
        if (!(v instanceof StrictJson.Num n)) {
            throw missing(name, "a date in epoch seconds");
        }
        if (n.text().length() > 40) {
            throw missing(name, "a date of at most 40 characters");
        }
        try {
            BigDecimal seconds = new BigDecimal(n.text());
            if (seconds.abs().compareTo(BigDecimal.valueOf(1L << 40)) > 0) {
                throw missing(name, "a date in range");
            }
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
        } catch (NumberFormatException e) {
            throw missing(name, "a date in epoch seconds");
        }
    }

    /** A key id, or a key ARN ({@code arn:aws:kms:region:account:key/ID}): its id. */
    UUID keyId(String name) throws RemoteFailure {
        String s = string(name);
        String id = s.substring(s.lastIndexOf('/') + 1);
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw missing(name, "a key id or key ARN");
        }
    }

    /** A list of objects (absent: empty). */
    @SuppressWarnings("unchecked")
    List<Fields> objects(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw missing(name, "a list");
        }
        var out = new java.util.ArrayList<Fields>(list.size());
        for (Object o : list) {
            if (!(o instanceof Map)) {
                throw missing(name, "a list of objects");
            }
            out.add(new Fields((Map<String, Object>) o, url, operation));
        }
        return out;
    }

    /** A list of strings (absent: empty). */
    List<String> strings(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw missing(name, "a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** An object of strings (an encryption context); absent: empty. */
    Map<String, String> stringMap(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m) || !m.values().stream().allMatch(String.class::isInstance)) {
            throw missing(name, "an object of strings");
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        m.forEach((k, val) -> out.put((String) k, (String) val));
        return out;
    }

    /** An optional object; absent: an empty one. */
    @SuppressWarnings("unchecked")
    Fields optionalObject(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (v == null || v == StrictJson.NULL) {
            return new Fields(Map.of(), url, operation);
        }
        return object(name);
    }

    @SuppressWarnings("unchecked")
    Fields object(String name) throws RemoteFailure {
        Object v = json.get(name);
        if (!(v instanceof Map)) {
            throw missing(name, "an object");
        }
        return new Fields((Map<String, Object>) v, url, operation);
    }

    private RemoteFailure missing(String name, String what) {
        return RemoteFailure.protocol(url, operation, "a response whose " + name + " is not " + what);
    }
}
