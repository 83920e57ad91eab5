package com.example.bridge.oneio;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** How long a delivered message stays in the outbox (its status answers and its Idempotency-Key holds meanwhile). */
public class OutboxRetention {

    private final long keepDeliveredSeconds;

    public OutboxRetention(long keepDeliveredSeconds) {
        if (keepDeliveredSeconds < 1) {
            throw new IllegalArgumentException("oneio.outbox.keep-delivered-seconds must be at least 1, not "
                    + keepDeliveredSeconds);
        }
        this.keepDeliveredSeconds = keepDeliveredSeconds;
    }

    /** Messages delivered before this moment may be deleted. */
    public OffsetDateTime cutoff() {
        return OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(keepDeliveredSeconds);
    }
}
