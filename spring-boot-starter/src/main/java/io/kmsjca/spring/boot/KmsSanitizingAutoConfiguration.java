package io.kmsjca.spring.boot;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Masks the store password {@code kms.password.value} in Actuator's {@code /env} and
 * {@code /configprops}. Spring Boot 3 keeps no list of sensitive keys: with {@code show-values}
 * {@code always} or {@code when-authorized}, every value a {@code SanitizingFunction} leaves alone
 * is shown, and this one opens every key of the store. Actuator's types appear only in the nested
 * class, read once the outer condition found them.
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
        if (key == null) {
            return false;
        }
        StringBuilder letters = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = Character.toLowerCase(key.charAt(i)); // as ConfigurationPropertyName compares: ASCII letters and digits
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                letters.append(c);
            }
        }
        return letters.toString().equals("kmspasswordvalue");
    }

    @Configuration(proxyBeanMethods = false)
    static class Sanitizing {

        @Bean
        @ConditionalOnMissingBean(name = "kmsSanitizingFunction")
        SanitizingFunction kmsSanitizingFunction() {
            return (SanitizableData data) -> isStorePassword(data.getKey()) ? data.withSanitizedValue() : data;
        }
    }
}
