package io.kmsjca.server;

import io.kmsjca.internal.json.StrictJson;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of one request, read by name with their AWS types and bounds: a member of the wrong
 * type or out of range is a {@code ValidationException} naming it. Members this server does not
 * read are ignored, as AWS ignores them.
 */
final class JsonInput {

    /** The most pairs an encryption context or a tag list takes here (the provider bounds them further). */
    static final int MAX_PAIRS = 64;
    static final int MAX_LIST = 100;

    private final Map<String, Object> members;

    private JsonInput(Map<String, Object> members) {
        this.members = members;
    }

    @SuppressWarnings("unchecked")
    static JsonInput of(Object parsed) throws KmsError {
        if (!(parsed instanceof Map<?, ?>)) {
            throw KmsError.validation("the request body must be a JSON object");
        }
        return new JsonInput((Map<String, Object>) parsed);
    }

    boolean has(String name) {
        Object v = members.get(name);
        return v != null && v != StrictJson.NULL;
    }

    private Object get(String name) {
        Object v = members.get(name);
        return v == StrictJson.NULL ? null : v;
    }

    /** A string member, or null when absent; at most {@code maxChars}. */
    String string(String name, int maxChars) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw KmsError.validation(name + " must be a string");
        }
        if (s.length() > maxChars) {
            throw KmsError.validation(name + " must be at most " + maxChars + " characters long");
        }
        return s;
    }

    String requiredString(String name, int maxChars) throws KmsError {
        String s = string(name, maxChars);
        if (s == null || s.isEmpty()) {
            throw KmsError.validation(name + " is required");
        }
        return s;
    }

    /** An integer member in {@code min..max}, or {@code absent} when not given. */
    int integer(String name, int min, int max, int absent) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof StrictJson.Num n) || n.text().length() > 11) {
            throw KmsError.validation(name + " must be an integer from " + min + " to " + max);
        }
        long value;
        try {
            value = Long.parseLong(n.text());
        } catch (NumberFormatException e) {
            throw KmsError.validation(name + " must be an integer from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw KmsError.validation(name + " must be an integer from " + min + " to " + max + ", not " + value);
        }
        return (int) value;
    }

    /** A timestamp member as the AWS JSON protocol sends one (epoch seconds, maybe fractional), or null when absent. */
    java.time.Instant instant(String name) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof StrictJson.Num n) || n.text().length() > 24) {
            throw KmsError.validation(name + " must be a timestamp in epoch seconds");
        }
        try {
            java.math.BigDecimal seconds = new java.math.BigDecimal(n.text());
            if (seconds.signum() < 0 || seconds.compareTo(java.math.BigDecimal.valueOf(253402300799L)) > 0) {
                throw KmsError.validation(name + " is out of range");
            }
            return java.time.Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            throw KmsError.validation(name + " must be a timestamp in epoch seconds");
        }
    }

    boolean bool(String name) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw KmsError.validation(name + " must be true or false");
        }
        return b;
    }

    /** A map of strings to strings (an encryption context), empty when absent. */
    Map<String, String> stringMap(String name) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map) || map.size() > MAX_PAIRS) {
            throw KmsError.validation(name + " must be an object of at most " + MAX_PAIRS + " string members");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw KmsError.validation(name + " must map names to strings");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    /** A list of strings, empty when absent. */
    List<String> stringList(String name, int maxItems) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.size() > maxItems) {
            throw KmsError.validation(name + " must be a list of at most " + maxItems + " strings");
        }
        for (Object item : list) {
            if (!(item instanceof String)) {
                throw KmsError.validation(name + " must be a list of strings");
            }
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** A list of objects, empty when absent. */
    List<JsonInput> objectList(String name, int maxItems) throws KmsError {
        Object v = get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.size() > maxItems) {
            throw KmsError.validation(name + " must be a list of at most " + maxItems + " objects");
        }
        var out = new java.util.ArrayList<JsonInput>(list.size());
        for (Object item : list) {
            out.add(JsonInput.of(item));
        }
        return out;
    }

    /** An object member, or null when absent. */
    JsonInput object(String name) throws KmsError {
        Object v = get(name);
        return v == null ? null : JsonInput.of(v);
    }

    /** A base64 blob member of 1 to {@code maxBytes} bytes; the length is checked before decoding. */
    byte[] blob(String name, int maxBytes) throws KmsError {
        String s = string(name, (maxBytes + 2) / 3 * 4);
        if (s == null || s.isEmpty()) {
            throw KmsError.validation(name + " is required");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw KmsError.validation(name + " is not valid base64");
        }
        if (bytes.length > maxBytes) {
            throw KmsError.validation(name + " must be at most " + maxBytes + " bytes");
        }
        return bytes;
    }

    /** Refuses a member this server does not support (rather than ignoring what it asks for). */
    void refuse(String name, String why) throws KmsError {
        if (has(name)) {
            throw KmsError.unsupported(name + " is not supported" + why);
        }
    }
}
