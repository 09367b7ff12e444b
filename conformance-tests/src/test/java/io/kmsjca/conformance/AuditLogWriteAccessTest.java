package io.kmsjca.conformance;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tamper-evident audit log is written by the key service alone: code holding a KeyService,
 * a key handle or any other public type of the key service and the provider gets no object that
 * records an event (security review, issue #16). Before, {@code KeyService.audit()} returned the
 * {@link AuditDispatcher} itself, whose public {@code record(...)} appended a correctly chained
 * and MACed line.
 */
class AuditLogWriteAccessTest {

    private static final List<String> API_PACKAGES = List.of(KeyService.class.getPackageName(),
            KmsProvider.class.getPackageName(), AuditDelivery.class.getPackageName());

    @Test
    void keyServiceAuditRecordsNothing() {
        KeyService keys = KeyStores.newInMemory(Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO));
        Object audit = keys.audit();
        assertFalse(audit instanceof AuditDispatcher, "audit() must not hand out the dispatcher, not even behind a cast");
        assertEquals(List.of(), recordingMethods(AuditDelivery.class));
        assertEquals(List.of(), declaredRecordingMethods(audit.getClass()), "the object handed out has no record method at all");
        keys.audit().flush(); // what it is for: counters, flush, listeners
        assertEquals(0, keys.audit().stats().failed());
    }

    @Test
    void noPublicTypeOfTheKeyServiceOrProviderHandsOutTheDispatcher() throws Exception {
        List<Class<?>> types = publicTypes(KeyService.class);
        assertTrue(types.contains(KeyService.class), "scanned " + types);
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : types) {
            for (Method m : type.getMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && writesTheLog(m.getReturnType())) {
                    leaks.add(type.getName() + "." + m.getName() + " returns " + m.getReturnType().getName());
                }
            }
            for (Field f : type.getFields()) {
                if (writesTheLog(f.getType())) {
                    leaks.add(type.getName() + "." + f.getName() + " is a " + f.getType().getName());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    /** A type through which events could be recorded: the dispatcher, or anything with a public record method. */
    private static boolean writesTheLog(Class<?> type) {
        return AuditDispatcher.class.isAssignableFrom(type) || !recordingMethods(type).isEmpty();
    }

    private static List<String> declaredRecordingMethods(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).map(Method::getName).filter(n -> n.equals("record")).toList();
    }

    private static List<String> recordingMethods(Class<?> type) {
        return Arrays.stream(type.getMethods()).map(Method::getName).filter(n -> n.equals("record")).toList();
    }

    /** Every public top-level or nested type of the API packages, from the jar or folder KeyService was loaded from. */
    private static List<Class<?>> publicTypes(Class<?> anchor) throws IOException, URISyntaxException, ClassNotFoundException {
        Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                files.map(p -> where.relativize(p).toString().replace('\\', '/')).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                jar.stream().map(e -> e.getName()).forEach(names::add);
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String name : names) {
            if (!name.endsWith(".class") || name.equals("module-info.class")) {
                continue;
            }
            String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
            String pkg = className.substring(0, className.lastIndexOf('.'));
            if (!API_PACKAGES.contains(pkg)) {
                continue;
            }
            Class<?> c = Class.forName(className, false, anchor.getClassLoader());
            if (Modifier.isPublic(c.getModifiers())) {
                out.add(c);
            }
        }
        return out;
    }
}
