package io.kmsjca.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kmsjca.keys.MessageType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How the AWS CLI spells values on the command line, read into Java values. */
final class Inputs {

    /** Blobs (ciphertexts, small plaintexts, key material) are never larger than this. */
    static final int MAX_BLOB_BYTES = 64 * 1024;
    private static final String FILEB = "fileb://";

    private Inputs() {
    }

    /** A binary value: {@code fileb://PATH} for the bytes of a file, else base64 (as AWS CLI v2). */
    static final class Blob implements ITypeConverter<Bytes> {
        @Override
        public Bytes convert(String value) {
            return new Bytes(read(value));
        }

        private static byte[] read(String value) {
            if (value.startsWith(FILEB)) {
                return readFile(value);
            }
            if (value.length() > MAX_BLOB_BYTES * 4 / 3 + 4) {
                throw new TypeConversionException("the value is larger than " + MAX_BLOB_BYTES + " bytes");
            }
            try {
                return Base64.getDecoder().decode(value.strip());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("not base64; give a file as fileb://PATH");
            }
        }
    }

    /**
     * Secret binary input (key material): {@code fileb://PATH}, or {@code -} for standard input.
     * Never the value itself: an argument is seen by every user of the machine ({@code ps}) and
     * kept in the shell history. The refusal does not repeat what was given.
     */
    static final class SecretBlob implements ITypeConverter<Bytes> {
        static final String STDIN = "-";

        @Override
        public Bytes convert(String value) {
            if (value.startsWith(FILEB)) {
                return new Bytes(readFile(value));
            }
            if (value.equals(STDIN)) {
                try {
                    return new Bytes(readBounded(System.in, "standard input"));
                } catch (IOException e) {
                    throw new TypeConversionException("cannot read standard input: " + Failures.explain(e).getMessage());
                }
            }
            throw new TypeConversionException("secrets (key material, plaintext) are read only from fileb://PATH or - "
                    + "(standard input), never from the command line, where ps and the shell history would show them");
        }
    }

    /**
     * The message of sign and verify ({@code --message}): {@code fileb://PATH} or base64, as a blob,
     * but at most {@link MessageType#MAX_RAW_BYTES} bytes and not empty, as AWS KMS takes it (a larger
     * message is its ValidationException). A file is read no further than one byte past the limit.
     */
    static final class Message implements ITypeConverter<Bytes> {
        @Override
        public Bytes convert(String value) {
            byte[] bytes;
            if (value.startsWith(FILEB)) {
                Path file = Path.of(value.substring(FILEB.length()));
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = in.readNBytes(MessageType.MAX_RAW_BYTES + 1);
                } catch (IOException e) {
                    throw new TypeConversionException("cannot read " + file + ": " + Failures.explain(e).getMessage());
                }
            } else if (value.length() > MessageType.MAX_RAW_BYTES * 4 / 3 + 4) {
                bytes = new byte[MessageType.MAX_RAW_BYTES + 1]; // refused below, without decoding
            } else {
                bytes = Blob.read(value);
            }
            if (bytes.length > MessageType.MAX_RAW_BYTES) {
                throw new TypeConversionException("the message is larger than " + MessageType.MAX_RAW_BYTES + " bytes, the most "
                        + "KMS signs or verifies (ValidationException); hash it and pass --message-type DIGEST");
            }
            if (bytes.length == 0) {
                throw new TypeConversionException("the message is empty (ValidationException)");
            }
            return new Bytes(bytes);
        }
    }

    /**
     * The message of generate-mac and verify-mac ({@code --message}): as {@link Message}, 1 to 4096
     * bytes (AWS's GenerateMac bound), with the MAC's own refusal.
     */
    static final class MacMessage implements ITypeConverter<Bytes> {
        @Override
        public Bytes convert(String value) {
            try {
                return new Message().convert(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException(e.getMessage().startsWith("the message is larger")
                        ? "the message is larger than " + MessageType.MAX_RAW_BYTES + " bytes, the most KMS GenerateMac and "
                        + "VerifyMac take (ValidationException)" : e.getMessage());
            }
        }
    }

    /** Text values (a policy document) are never larger than this; the key service bounds them further. */
    static final int MAX_TEXT_BYTES = 128 * 1024;
    private static final String FILE = "file://";

    /**
     * A text value, such as a policy document: the text itself, or {@code file://PATH} for the
     * contents of a UTF-8 file (as the AWS CLI reads JSON parameters).
     */
    static final class Text implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.startsWith(FILE)) {
                return value;
            }
            Path file = Path.of(value.substring(FILE.length()));
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_TEXT_BYTES + 1);
            } catch (IOException e) {
                throw new TypeConversionException("cannot read " + file + ": " + Failures.explain(e).getMessage());
            }
            if (bytes.length > MAX_TEXT_BYTES) {
                throw new TypeConversionException(file + " is larger than " + MAX_TEXT_BYTES + " bytes");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new TypeConversionException(file + " is not UTF-8 text");
            }
        }
    }

    /** The bytes of the file {@code fileb://PATH} names, at most {@link #MAX_BLOB_BYTES}. */
    private static byte[] readFile(String value) {
        Path file = Path.of(value.substring(FILEB.length()));
        try (InputStream in = Files.newInputStream(file)) {
            return readBounded(in, file.toString());
        } catch (IOException e) {
            throw new TypeConversionException("cannot read " + file + ": " + Failures.explain(e).getMessage());
        }
    }

    private static byte[] readBounded(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BLOB_BYTES + 1);
        if (bytes.length > MAX_BLOB_BYTES) {
            java.util.Arrays.fill(bytes, (byte) 0);
            throw new TypeConversionException(what + " is larger than " + MAX_BLOB_BYTES
                    + " bytes; for files use encrypt-file and decrypt-file");
        }
        return bytes;
    }

    /** Binary input (a picocli option of type byte[] would be read as many byte values). */
    record Bytes(byte[] value) {
        void wipe() {
            java.util.Arrays.fill(value, (byte) 0);
        }
    }

    /** String pairs given on the command line (an encryption context, tags). */
    record Pairs(Map<String, String> values) {
        static final Pairs NONE = new Pairs(Map.of());

        static Map<String, String> of(Pairs p) {
            return p == null ? Map.of() : p.values;
        }
    }

    /** {@code key=value,key2=value2}, or the JSON object {@code {"key":"value"}}. */
    static final class Context implements ITypeConverter<Pairs> {
        @Override
        public Pairs convert(String value) {
            return new Pairs(pairs(value, "encryption context"));
        }
    }

    /** {@code TagKey=k,TagValue=v} (AWS shorthand, one tag per value) or {@code k=v,k2=v2}. */
    static final class Tags implements ITypeConverter<Pairs> {
        @Override
        public Pairs convert(String value) {
            Map<String, String> pairs = pairs(value, "tags");
            if (pairs.keySet().equals(Set.of("TagKey", "TagValue"))) {
                return new Pairs(Map.of(pairs.get("TagKey"), pairs.get("TagValue")));
            }
            return new Pairs(pairs);
        }
    }

    /**
     * What a {@code --key-id} names, for the key service: a key id or alias as given, or the key id
     * or alias inside a KMS ARN ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}, as {@code list-grants}
     * prints a grant's key, or {@code ...:alias/NAME}).
     */
    static String keyRef(String given) {
        if (given.startsWith("arn:aws:kms:")) {
            int key = given.indexOf(":key/");
            if (key > 0) {
                return given.substring(key + ":key/".length());
            }
            int alias = given.indexOf(":alias/");
            if (alias > 0) {
                return given.substring(alias + 1);
            }
        }
        return given;
    }

    /** All tags of repeated {@code --tags} options, in one map. */
    static Map<String, String> merge(List<Pairs> all) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (all != null) {
            all.forEach(p -> merged.putAll(p.values));
        }
        return merged;
    }

    private static Map<String, String> pairs(String value, String what) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (value.strip().startsWith("{")) {
            try {
                JsonObject object = JsonParser.parseString(value).getAsJsonObject();
                object.entrySet().forEach(e -> pairs.put(e.getKey(), e.getValue().getAsString()));
                return pairs;
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
                throw new TypeConversionException("bad JSON for " + what + "; write {\"key\":\"value\"}");
            }
        }
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new TypeConversionException("bad " + what + " '" + pair + "'; write key=value,key2=value2");
            }
            if (pairs.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw new TypeConversionException(what + " names '" + pair.substring(0, eq) + "' twice");
            }
        }
        return pairs;
    }
}
