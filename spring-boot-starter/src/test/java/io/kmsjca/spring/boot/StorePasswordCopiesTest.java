package io.kmsjca.spring.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The copy rule on its own: where a password is looked for, by its length, and what is never masked. */
class StorePasswordCopiesTest {

    @TempDir
    Path dir;

    private static ObjectProvider<KmsProperties> properties(KmsProperties.Password password) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        if (password != null) {
            beans.registerSingleton("kms", new KmsProperties(null, null, password, null, null, null, null));
        }
        return beans.getBeanProvider(KmsProperties.class);
    }

    private static StorePasswordCopies withValue(String password) {
        return new StorePasswordCopies(properties(new KmsProperties.Password(null, null, password)));
    }

    @Test
    void aPasswordOfEightOrMore_isFoundAnywhereInAText() {
        StorePasswordCopies copies = withValue("s3cret-pw");
        assertThat(copies.appearIn("s3cret-pw")).isTrue();
        assertThat(copies.appearIn("postgres://app:s3cret-pw@db/app")).isTrue();
        assertThat(copies.appearIn("{\"pw\":\"s3cret-pw\"}")).isTrue();
        assertThat(copies.appearIn("s3cret-pX")).isFalse();
        assertThat(copies.appearIn("s3cret-p")).isFalse();
        assertThat(copies.appearIn("S3CRET-PW")).isFalse();
    }

    @Test
    void aShorterPassword_isFoundOnlyAsTheWholeValueOrItsWholeFirstLine() {
        StorePasswordCopies copies = withValue("admin");
        assertThat(copies.appearIn("admin")).isTrue();
        assertThat(copies.appearIn("admin\n")).isTrue();
        assertThat(copies.appearIn("admin\r\nmore")).isTrue();
        assertThat(copies.appearIn("administrator")).isFalse();
        assertThat(copies.appearIn("the admin user")).isFalse();
    }

    @Test
    void thePasswordIsReadFromTheSourceKmsPasswordNames_aFileByItsFirstLine() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "from-the-file\nsecond line\n");
        StorePasswordCopies copies = new StorePasswordCopies(properties(new KmsProperties.Password(file, null, null)));
        assertThat(copies.appearIn("x from-the-file x")).isTrue();
        assertThat(copies.appearIn("second line")).isFalse();
    }

    @Test
    void withoutAPassword_orForAnythingButText_nothingIsACopy() {
        assertThat(new StorePasswordCopies(properties(null)).appearIn("anything")).isFalse();
        // a key-file credential opens the store: no kms.password.* at all
        assertThat(new StorePasswordCopies(properties(new KmsProperties.Password(null, null, null))).appearIn("x")).isFalse();
        StorePasswordCopies copies = withValue("12345678");
        assertThat(copies.appearIn(12345678)).isTrue(); // YAML reads app.pin: 12345678 as a number
        assertThat(copies.appearIn(java.util.List.of("12345678"))).isFalse(); // a complex value: /env shows its type only
        assertThat(copies.appearIn(null)).isFalse();
        assertThat(copies.appearIn("x".repeat(StorePasswordCopies.MAX_TEXT + 1))).isTrue();
    }
}
