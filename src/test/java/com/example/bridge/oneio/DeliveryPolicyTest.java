package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.example.bridge.oneio.DeliveryPolicy.Outcome;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {

    private final DeliveryPolicy policy = new DeliveryPolicy(1000, 300000, 10, 60, 10000);

    @Test
    void a_lease_no_longer_than_a_post_may_take_stops_the_start() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new DeliveryPolicy(1000, 300000, 10, 20, 10000));
        assertEquals("oneio.delivery.lease-seconds (20) must be longer than a POST may take, twice oneflow.timeout-ms"
                + " (20000 ms): no message could be sent", refused.getMessage());
    }

    @Test
    void a_post_starts_only_while_it_would_end_within_the_lease() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        assertDoesNotThrow(() -> policy.requireTimeToPost(now.plusSeconds(30)));
        assertThrows(LeaseEndingException.class, () -> policy.requireTimeToPost(now.plusSeconds(19)));
    }

    @Test
    void a_message_given_back_before_any_post_keeps_its_last_answer_and_is_due_at_once() {
        Outcome outcome = policy.leaseEnding(3, 1, null, null, null, null, 503, "busy");
        assertEquals(new Outcome("QUEUED", 0, 503, "busy", outcome.nextAttemptAt(), null), outcome);
        assertEquals("waiting", outcome.kind());
    }

    @Test
    void a_401_retry_that_the_lease_no_longer_covers_is_a_retry_later() {
        Outcome outcome = policy.leaseEnding(0, 2, 401, null, "revoked", null, null, null);
        assertEquals("QUEUED", outcome.status());
        assertEquals(1, outcome.posts());
        assertEquals(401, outcome.lastStatus());
    }
}
