package com.example.bridge.oneio;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** How long a delivered message stays in the outbox (its status answers and its Idempotency-Key holds meanwhile). */
public class OutboxRetention {

    private final long keepDeliveredSeconds;

    /**
     * The route's DELETE takes {@code cleanupBatchSize} itself; it is checked here so that a bad value stops the start
     * instead of failing every cleanup pass (negative) or deleting nothing, ever (0).
     */
    public OutboxRetention(long keepDeliveredSeconds, int cleanupBatchSize) {
        if (keepDeliveredSeconds < 1) {
            throw new IllegalArgumentException("oneio.outbox.keep-delivered-seconds must be at least 1, not "
                    + keepDeliveredSeconds);
        }
        if (cleanupBatchSize < 1) {
            throw new IllegalArgumentException("oneio.outbox.cleanup-batch-size must be at least 1, not "
                    + cleanupBatchSize);
        }
        this.keepDeliveredSeconds = keepDeliveredSeconds;
    }

    /** Messages delivered before this moment may be deleted. */
    public OffsetDateTime cutoff() {
        return OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(keepDeliveredSeconds);
    }
}
