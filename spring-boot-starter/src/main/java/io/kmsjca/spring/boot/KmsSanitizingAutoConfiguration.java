package io.kmsjca.spring.boot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Masks the store password {@code kms.password.value} in Actuator's {@code /env} and
 * {@code /configprops}. Spring Boot 3 keeps no list of sensitive keys: with {@code show-values}
 * {@code always} or {@code when-authorized}, every value a {@code SanitizingFunction} leaves alone
 * is shown, and this one opens every key of the store. A value that carries the password under
 * another property is masked too: one that sets it by name (the {@code SPRING_APPLICATION_JSON}
 * variable, {@code sun.java.command} with {@code --kms.password.value=...}, {@code JAVA_TOOL_OPTIONS}),
 * and one that holds a copy of it ({@link StorePasswordCopies}). The function runs before any
 * other, and masks a value it could not check.
 * Actuator's types appear only in the nested class, read once the outer condition found them.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public class KmsSanitizingAutoConfiguration {

    /**
     * {@code kms.password.value} as any property source spells it ({@code KMS_PASSWORD_VALUE},
     * {@code kms.password.value}, {@code kms.password[value]}, {@code kms.pass_word.value}):
     * relaxed binding compares an element's letters and digits alone, so only they are compared
     * here (a key that merely looks like it is masked too, which hides nothing that is needed).
     */
    static boolean isStorePassword(String key) {
        return key != null && lettersAndDigits(key).equals("kmspasswordvalue");
    }

    /**
     * Whether a value may carry the store password under a key of its own: it names kms, then
     * password, then value, in that order, as a JSON document or a command line setting
     * {@code kms.password.value} in any spelling does (JSON's unicode escapes read as the
     * letters they stand for). Decided on the names alone, never on the password, so which values
     * are masked says nothing about it.
     */
    static boolean mayCarryStorePassword(Object value) {
        if (!(value instanceof CharSequence text)) {
            return false;
        }
        String raw = text.toString();
        String letters = lettersAndDigits(raw.indexOf('\\') >= 0 ? StorePasswordCopies.jsonUnescaped(raw) : raw);
        int kms = letters.indexOf("kms");
        int password = kms < 0 ? -1 : letters.indexOf("password", kms + 3);
        return password >= 0 && letters.indexOf("value", password + 8) >= 0;
    }

    /** As {@code ConfigurationPropertyName} compares: ASCII letters, lower case, and digits. */
    private static String lettersAndDigits(CharSequence text) {
        StringBuilder letters = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                letters.append(c);
            }
        }
        return letters.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class Sanitizing {

        /** First of all functions: Actuator's Sanitizer stops at the first one that changes a value. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        @ConditionalOnMissingBean(name = "kmsSanitizingFunction")
        SanitizingFunction kmsSanitizingFunction(ObjectProvider<KmsProperties> kms) {
            StorePasswordCopies copies = new StorePasswordCopies(kms);
            return (SanitizableData data) -> {
                try {
                    // a config tree entry is a CharSequence whose every charAt decodes (or reads) its file again
                    Object value = data.getValue() instanceof CharSequence text ? text.toString() : data.getValue();
                    return isStorePassword(data.getKey()) || mayCarryStorePassword(value)
                            || copies.appearIn(value) ? data.withSanitizedValue() : data;
                } catch (RuntimeException e) {
                    return data.withSanitizedValue(); // never break the endpoint, never show what could not be checked
                }
            };
        }
    }
}
