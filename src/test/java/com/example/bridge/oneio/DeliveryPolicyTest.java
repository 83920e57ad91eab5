package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bridge.oneio.DeliveryPolicy.Outcome;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {

    /** Not started: not stopping either. */
    private static final CamelContext CAMEL = new DefaultCamelContext();

    private final DeliveryPolicy policy = new DeliveryPolicy(1000, 300000, 10, 60, 10000, 10000, 10000, 100, 4);

    @Test
    void a_lease_that_leaves_too_little_time_to_post_stops_the_start() {
        assertDoesNotThrow(() -> new DeliveryPolicy(1000, 300000, 10, 38, 10000, 10000, 10000, 100, 4));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new DeliveryPolicy(1000, 300000, 10, 37, 10000, 10000, 10000, 100, 4));
        assertEquals("oneio.delivery.lease-seconds (37) leaves too little time to start a POST: a POST may take 30000"
                + " ms (camel-http's connection request, connect and response timeouts, each oneflow.timeout-ms by"
                + " default) and a tenth of the lease is kept for recording outcomes; the lease must be at least 1.25"
                + " times that long", refused.getMessage());
    }

    @Test
    void a_batch_below_one_stops_the_start() {
        assertEquals("oneio.delivery.batch-size must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
                () -> new DeliveryPolicy(1000, 300000, 10, 60, 10000, 10000, 10000, 0, 4)).getMessage());
    }

    @Test
    void a_concurrency_below_one_stops_the_start() {
        assertEquals("oneio.delivery.concurrency must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
                () -> new DeliveryPolicy(1000, 300000, 10, 60, 10000, 10000, 10000, 100, 0)).getMessage());
    }

    @Test
    void a_post_starts_only_while_it_and_the_recording_would_end_within_the_lease() {
        // A POST may take 30 s here, and 6 s (a tenth of the lease) are kept for recording the outcomes.
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        assertDoesNotThrow(() -> policy.requireTimeToPost(now.plusSeconds(40), CAMEL));
        assertThrows(NotPostedException.class, () -> policy.requireTimeToPost(now.plusSeconds(35), CAMEL));
        // PostgreSQL's driver answers a java.sql.Timestamp
        assertDoesNotThrow(() -> policy.requireTimeToPost(Timestamp.from(now.plusSeconds(40).toInstant()), CAMEL));
        assertThrows(NotPostedException.class,
                () -> policy.requireTimeToPost(Timestamp.from(now.plusSeconds(35).toInstant()), CAMEL));
    }

    @Test
    void a_message_given_back_before_any_post_keeps_its_last_answer_and_is_due_at_once() {
        Outcome outcome = policy.givenBack(3, 1, null, null, null, null, 503, "busy");
        assertEquals(new Outcome("QUEUED", 0, 503, "busy", outcome.nextAttemptAt(), null, "given_back"), outcome);
    }

    @Test
    void retry_after_is_honoured_up_to_the_longest_backoff() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC);
        Outcome honoured = policy.decide(0, 1, 503, "120", "busy", null);
        Outcome capped = policy.decide(0, 1, 503, "999999999", "busy", null);
        OffsetDateTime after = OffsetDateTime.now(ZoneOffset.UTC);

        assertTrue(!honoured.nextAttemptAt().isBefore(before.plusSeconds(120)), honoured.toString());
        assertTrue(!capped.nextAttemptAt().isBefore(before.plusSeconds(300)), capped.toString());
        assertTrue(!capped.nextAttemptAt().isAfter(after.plusSeconds(300)), capped.toString());
    }

    @Test
    void a_401_retry_that_the_lease_no_longer_covers_is_a_retry_later() {
        Outcome outcome = policy.givenBack(0, 2, 401, null, "revoked", null, null, null);
        assertEquals("QUEUED", outcome.status());
        assertEquals(1, outcome.posts());
        assertEquals(401, outcome.lastStatus());
        assertEquals("retried", outcome.kind());
    }
}
