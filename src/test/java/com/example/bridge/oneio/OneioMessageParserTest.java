package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OneioMessageParserTest {

    @Test
    void a_body_limit_above_what_the_outbox_holds_stops_the_start() {
        assertDoesNotThrow(() -> new OneioMessageParser(1_048_576));
        assertEquals("oneio.ingest.max-body-bytes must be between 1 and 1048576 (what the outbox's payload column"
                + " holds), not 1048577", assertThrows(IllegalArgumentException.class,
                () -> new OneioMessageParser(1_048_577)).getMessage());
        assertEquals("oneio.ingest.max-body-bytes must be between 1 and 1048576 (what the outbox's payload column"
                + " holds), not 0", assertThrows(IllegalArgumentException.class,
                () -> new OneioMessageParser(0)).getMessage());
    }
}
