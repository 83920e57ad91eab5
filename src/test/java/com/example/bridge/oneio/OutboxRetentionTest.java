package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OutboxRetentionTest {

    @Test
    void a_cleanup_batch_below_one_stops_the_start() {
        assertDoesNotThrow(() -> new OutboxRetention(604800, 1));
        assertEquals("oneio.outbox.cleanup-batch-size must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new OutboxRetention(604800, 0)).getMessage());
        assertEquals("oneio.outbox.cleanup-batch-size must be at least 1, not -5",
                assertThrows(IllegalArgumentException.class, () -> new OutboxRetention(604800, -5)).getMessage());
    }

    @Test
    void a_retention_below_one_second_stops_the_start() {
        assertEquals("oneio.outbox.keep-delivered-seconds must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new OutboxRetention(0, 1000)).getMessage());
    }
}
