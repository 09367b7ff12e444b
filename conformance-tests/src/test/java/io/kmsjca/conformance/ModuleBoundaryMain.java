package io.kmsjca.conformance;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.lang.reflect.Method;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The program a child JVM runs with kms-jca on the module path and this class on the class
 * path, as an application that uses the provider sees it. It prints one line per fact that
 * {@link ModuleBoundaryTest} checks: the provider's module and what it exports, that JCA
 * finds and runs its services, and that a class of an internal package refuses to be used.
 * It names no kms-jca class at compile time, so it shows only what the module itself allows.
 */
public final class ModuleBoundaryMain {

    public static void main(String[] args) throws Exception {
        Provider kms = ServiceLoader.load(Provider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.getName().equals("KMS")).findFirst().orElseThrow();
        Module module = kms.getClass().getModule();
        System.out.println("module=" + module.getName());
        var exports = new TreeSet<String>();
        module.getDescriptor().exports().forEach(e -> exports.add(e.source() + (e.isQualified() ? " to " + e.targets() : "")));
        System.out.println("exports=" + exports);
        Module spi = module.getLayer().findModule("io.kmsjca.spi").orElseThrow();
        var spiExports = new TreeSet<String>();
        spi.getDescriptor().exports().forEach(e -> spiExports.add(e.source() + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : "")));
        System.out.println("spi-exports=" + spiExports);

        Security.addProvider(kms);
        KeyStore ks = KeyStore.getInstance("KMS");
        ks.load(null, null);
        ks.setKeyEntry("child", aes256(), null, null);
        Key master = ks.getKey("child", null);
        SecretKey dataKey = aes256();
        Cipher wrap = Cipher.getInstance("KMSWrap");
        wrap.init(Cipher.WRAP_MODE, master);
        byte[] blob = wrap.wrap(dataKey);
        Cipher unwrap = Cipher.getInstance("KMSWrap");
        unwrap.init(Cipher.UNWRAP_MODE, master);
        Key back = unwrap.unwrap(blob, "AES", Cipher.SECRET_KEY);
        System.out.println("roundtrip=" + Arrays.equals(back.getEncoded(), dataKey.getEncoded())
                + " cipher-provider=" + wrap.getProvider().getName());

        Class<?> internal = Class.forName("io.kmsjca.internal.crypto.KmsRandom", false, kms.getClass().getClassLoader());
        System.out.println("internal-module=" + internal.getModule().getName());
        Method nextBytes = internal.getMethod("nextBytes", byte[].class);
        try {
            nextBytes.invoke(null, (Object) new byte[16]);
            System.out.println("internal=used");
        } catch (IllegalAccessException expected) {
            System.out.println("internal=refused");
        }
        try {
            nextBytes.setAccessible(true);
            System.out.println("internal-reflection=opened");
        } catch (RuntimeException expected) {
            System.out.println("internal-reflection=refused " + expected.getClass().getSimpleName());
        }
    }

    private static SecretKey aes256() throws Exception {
        KeyGenerator kg = KeyGenerator.getInstance("AES");
        kg.init(256);
        return kg.generateKey();
    }
}
