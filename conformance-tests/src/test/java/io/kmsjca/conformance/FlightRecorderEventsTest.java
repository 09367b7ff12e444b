package io.kmsjca.conformance;

import io.kmsjca.internal.jfr.KeyOperationEvents;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.ValueDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #22: every decided request is a JDK Flight Recorder event {@code io.kmsjca.KeyOperation}
 * that Mission Control shows, even with no audit listener; read back here with
 * {@code jdk.jfr.consumer} from a dumped recording. Its fields name the operation, key, version
 * and outcome, never key material or an encryption context's values.
 */
class FlightRecorderEventsTest {

    private static final String EVENT = "io.kmsjca.KeyOperation";
    private static final String CONTEXT_VALUE = "ctx-value-7f3a9c";

    @Test
    void wrapUnwrapEnvelopeAndDenial_areRecordedWithTheirFields(@TempDir Path dir) throws Exception {
        KeyService service = KeyStores.newInMemory(Fixtures.cheapOptions()); // no audit listener at all
        KmsKeyHandle key = service.createKey("jfr-orders", "");
        String id = key.keyId().toString();
        byte[] material = HexFormat.of().parseHex("5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7");
        var context = new KmsEncryptionContextSpec(Map.of("tenant", CONTEXT_VALUE));
        assertNull(KeyOperationEvents.begin(), "no recording: nothing is begun, nothing allocated");

        Path file = dir.resolve("kms.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(EVENT).withoutThreshold();
            recording.start();
            assertNotNull(KeyOperationEvents.begin(), "a recording that wants the event");

            Cipher wrap = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
            wrap.init(Cipher.WRAP_MODE, key, context);
            byte[] blob = wrap.wrap(new SecretKeySpec(material, "AES"));
            wrap.init(Cipher.UNWRAP_MODE, key, context);
            wrap.unwrap(blob, "AES", Cipher.SECRET_KEY);

            Cipher envelope = Cipher.getInstance("KMSEnvelope", Fixtures.PROVIDER);
            envelope.init(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of("tenant", CONTEXT_VALUE)));
            byte[] message = envelope.doFinal(material);
            envelope.init(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of("tenant", CONTEXT_VALUE)));
            envelope.doFinal(message);

            wrap.init(Cipher.WRAP_MODE, key, context);
            service.disableKey(id);
            assertThrows(InvalidKeyException.class, () -> wrap.wrap(new SecretKeySpec(material, "AES")));
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(EVENT) && id.equals(e.getString("keyId")))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                .toList();
        // an envelope is audited as the wrapping and unwrapping of its data key under the master key
        assertEquals(List.of("WRAP_KEY/SUCCESS", "UNWRAP_KEY/SUCCESS", "WRAP_KEY/SUCCESS", "UNWRAP_KEY/SUCCESS",
                        "DISABLE_KEY/SUCCESS", "WRAP_KEY/DENIED"),
                events.stream().map(e -> e.getString("operation") + "/" + e.getString("outcome")).toList());

        RecordedEvent wrapped = events.get(0);
        assertEquals(1, wrapped.getInt("keyVersion"));
        assertEquals("jfr-orders", wrapped.getString("alias"));
        assertNull(wrapped.getString("errorClass"));
        assertNotNull(wrapped.getString("storeInstance"));
        assertTrue(wrapped.getDuration().compareTo(Duration.ZERO) > 0, "the wrap is timed: " + wrapped);
        assertEquals("kms-jca", wrapped.getEventType().getCategoryNames().get(0));
        assertEquals("Key Operation", wrapped.getEventType().getLabel());

        assertTrue(events.get(3).getDuration().compareTo(Duration.ZERO) > 0, "the envelope's unwrap is timed");
        assertEquals(Duration.ZERO, events.get(4).getDuration(), "a request no engine timed has no duration");
        RecordedEvent denied = events.get(5);
        assertEquals("io.kmsjca.keys.KeyUnavailableException", denied.getString("errorClass"));
        assertEquals(0, denied.getInt("keyVersion"));

        Set<String> fields = wrapped.getFields().stream().map(ValueDescriptor::getName).collect(Collectors.toSet());
        assertNull(wrapped.getStackTrace(), "no stack trace unless a recording's settings ask for one");
        assertEquals(Set.of("startTime", "duration", "eventThread", "stackTrace", "operation", "keyId", "keyVersion", "alias",
                "outcome", "errorClass", "storeInstance", "requestId"), fields);
        String hex = HexFormat.of().formatHex(material);
        String base64 = Base64.getEncoder().encodeToString(material);
        for (RecordedEvent e : events) {
            String all = e.toString();
            assertFalse(all.contains(CONTEXT_VALUE), () -> "context value in " + all);
            assertFalse(all.toLowerCase().contains(hex) || all.contains(base64), () -> "key material in " + all);
        }
        service.close();
    }

    @Test
    void withoutTheJfrModule_theProviderStillRuns() throws Exception {
        var result = ChildJvm.java(List.of("--limit-modules", "java.base,java.logging,java.naming"),
                NoFlightRecorderMain.class);
        assertEquals(0, result.exitCode(), result::all);
        assertEquals("jfr=false wrap=true envelope=true", result.stdout().strip(), result::all);
    }

    /** Waking JFR (its metadata, its classes) costs the first wrap of a JVM up to seconds. */
    @Test
    void withNoRecording_theProviderDoesNotStartFlightRecorder(@TempDir Path dir) throws Exception {
        Path loaded = dir.resolve("classes.log");
        var result = ChildJvm.java(List.of("-Xlog:class+load=info:file=" + loaded), NoFlightRecorderMain.class);
        assertEquals(0, result.exitCode(), result::all);
        assertEquals("jfr=true wrap=true envelope=true jfr-initialized=false", result.stdout().strip(), result::all);
        List<String> jfrClasses = java.nio.file.Files.readAllLines(loaded).stream()
                .filter(l -> l.contains(" jdk.jfr.internal.") || l.contains(" io.kmsjca.internal.jfr.KeyOperationEvent "))
                .toList();
        assertEquals(List.of(), jfrClasses);
    }
}
