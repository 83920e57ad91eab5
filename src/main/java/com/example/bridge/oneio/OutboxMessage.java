package com.example.bridge.oneio;

import java.time.OffsetDateTime;

/**
 * A message accepted for ONEiO, as oneio_outbox stores it: its new id, the sender's Idempotency-Key (null without
 * one), the payload exactly as posted, and when it arrived.
 */
public record OutboxMessage(String id, String idempotencyKey, String payload, OffsetDateTime receivedAt) {
}
