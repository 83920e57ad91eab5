package com.example.bridge.db;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL of the tests is version 15, so an older server's refusal is checked on its figures. */
class SchemaInstallerTest {

    @Test
    void postgresql_before_15_is_refused_with_the_reason() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SchemaInstaller.requireSupported("PostgreSQL", 14));
        assertTrue(refused.getMessage().contains("PostgreSQL 15 or newer"), refused.getMessage());
    }

    @Test
    void postgresql_15_and_later_and_h2_are_accepted() {
        assertDoesNotThrow(() -> SchemaInstaller.requireSupported("PostgreSQL", 15));
        assertDoesNotThrow(() -> SchemaInstaller.requireSupported("PostgreSQL", 17));
        assertDoesNotThrow(() -> SchemaInstaller.requireSupported("H2", 2));
    }
}
