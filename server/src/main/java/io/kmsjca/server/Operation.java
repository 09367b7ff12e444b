package io.kmsjca.server;

import java.util.Map;

/** One AWS KMS operation: its request's members in, its response's members out. */
@FunctionalInterface
interface Operation {
    Map<String, Object> run(JsonInput request) throws Exception;
}
