package io.kmsjca.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application with nothing of its own: everything the tests see comes from the starter. */
@SpringBootConfiguration
@EnableAutoConfiguration
class KmsStarterTestApp {
}
