package com.example.bridge.oneio;

import com.example.bridge.db.ColumnText;
import com.example.bridge.db.SqlTimes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;

/** Decides what a receiver's answer means for a message: delivered, retried later (when), or failed. */
public class DeliveryPolicy {

    private static final int MAX_ERROR_LENGTH = 1024;

    private final Backoff backoff;
    private final long maxBackoffMillis;
    private final int maxAttempts;
    private final int leaseSeconds;
    private final long postMillis;
    private final long recordMillis;

    /**
     * The three timeouts are camel-http's: waiting for a pooled connection, connecting, waiting for the answer (each
     * {@code oneflow.timeout-ms} by default). Their sum is the longest a POST is expected to take. The claim's SQL
     * takes {@code batchSize} itself; it is checked here so that 0 stops the start instead of claiming nothing, ever.
     * {@code concurrency} sizes the oneioDelivery thread pool (application.properties), checked here for the same
     * reason: with 0 the bundle started and had no thread to deliver with.
     */
    public DeliveryPolicy(long initialBackoffMillis, long maxBackoffMillis, int maxAttempts, int leaseSeconds,
                          long connectionRequestTimeoutMillis, long connectTimeoutMillis, long responseTimeoutMillis,
                          int batchSize, int concurrency) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("oneio.delivery.batch-size must be at least 1, not " + batchSize);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("oneio.delivery.concurrency must be at least 1, not " + concurrency);
        }
        this.backoff = new Backoff(initialBackoffMillis, maxBackoffMillis);
        this.maxBackoffMillis = maxBackoffMillis;
        this.maxAttempts = maxAttempts;
        this.leaseSeconds = leaseSeconds;
        this.postMillis = connectionRequestTimeoutMillis + connectTimeoutMillis + responseTimeoutMillis;
        // Kept free at the lease's end: the batch's outcomes are recorded after its last POST, and clocks of
        // instances differ a little.
        this.recordMillis = leaseSeconds * 100L;
        long windowMillis = leaseSeconds * 1000L - postMillis - recordMillis;
        if (windowMillis < recordMillis) {
            throw new IllegalArgumentException("oneio.delivery.lease-seconds (" + leaseSeconds + ") leaves too little"
                    + " time to start a POST: a POST may take " + postMillis + " ms (camel-http's connection request,"
                    + " connect and response timeouts, each oneflow.timeout-ms by default) and a tenth of the lease is"
                    + " kept for recording outcomes; the lease must be at least 1.25 times that long");
        }
    }

    /** One poll's claim: a fresh owner id and the lease's end. Times are UTC from this instance's clock. */
    public record Claim(String owner, OffsetDateTime now, OffsetDateTime leaseUntil) {
    }

    /**
     * What to store after an attempt. {@code status} is QUEUED, DELIVERED or FAILED; {@code posts} is how many
     * requests reached the receiver (counted as attempts). {@code kind} is the metrics' tag: delivered, retried (due
     * again later), failed, waiting (no token, nothing sent) or given_back (the claim's lease ran short or the bundle is stopping, nothing sent).
     */
    public record Outcome(String status, int posts, Integer lastStatus, String lastError,
                          OffsetDateTime nextAttemptAt, OffsetDateTime deliveredAt, String kind) {
    }

    public Claim claim() {
        OffsetDateTime now = now();
        // In microseconds, as both databases store it: the claimed rows are read back by this exact lease end.
        return new Claim(UUID.randomUUID().toString(), now, now.plusSeconds(leaseSeconds).truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * @param attemptsBefore attempts stored before this delivery
     * @param posts          requests sent to the receiver in this delivery (2 after a 401 and its immediate retry)
     * @param status         the receiver's HTTP status, or 0 when no answer came (timeout, refused connection)
     */
    public Outcome decide(@Variable("attempts") int attemptsBefore, @Variable("posts") int posts,
                          @Variable("receiverStatus") Integer receiverStatus, @Variable("retryAfter") String retryAfter,
                          @Variable("answer") String answer, @Variable("error") String error) {
        OffsetDateTime now = now();
        int status = receiverStatus == null ? 0 : receiverStatus;
        String failure = receiverStatus == null && error == null ? "no answer from the receiver" : error;
        int attempts = attemptsBefore + posts;
        if (status >= 200 && status < 300) {
            return new Outcome("DELIVERED", posts, status, null, now, now, "delivered");
        }
        String lastError = lastError(status == 0 ? failure : answer);
        boolean retryable = status == 0 || status == 401 || status == 408 || status == 429 || status >= 500;
        if (!retryable || attempts >= maxAttempts) {
            return new Outcome("FAILED", posts, status == 0 ? null : status, lastError, now, null, "failed");
        }
        // Retry-After up to the longest backoff: "Retry-After: 999999999" parked a message, queued, for 31 years.
        long delay = Math.max(backoffMillis(attempts), Math.min(retryAfterMillis(retryAfter, now), maxBackoffMillis));
        return new Outcome("QUEUED", posts, status == 0 ? null : status, lastError, now.plusNanos(delay * 1_000_000), null,
                "retried");
    }

    /**
     * Before each POST: a POST that could still be under way when the claim's lease ends would race the instance that
     * claims the message next and deliver it twice. A batch's messages are posted one after another by
     * {@code oneio.delivery.concurrency} threads, so with a slow receiver the last ones start long after the claim.
     * Nor does a POST start once the bundle is stopping: the batch's outcomes are recorded after its last POST, and
     * a slow receiver kept a stopping batch busy past camel.main.shutdownTimeout, which then dropped the outcomes of
     * the POSTs already answered (those messages were POSTed again after the lease).
     */
    public void requireTimeToPost(@Variable("leaseUntil") Object leaseUntil, CamelContext camel) {
        if (camel.isStopping()) {
            throw new NotPostedException("The bundle is stopping");
        }
        Instant leaseEnd = Objects.requireNonNull(SqlTimes.instant(leaseUntil), "the claimed row's lease end");
        if (Instant.now().plusMillis(postMillis + recordMillis).isAfter(leaseEnd)) {
            throw new NotPostedException("The claim's lease ends before a POST could time out");
        }
    }

    /**
     * A POST was not sent ({@link #requireTimeToPost}): the message is due again at once. A first POST that was sent
     * (and answered 401) still counts as decided.
     */
    public Outcome givenBack(@Variable("attempts") int attemptsBefore, @Variable("posts") int posts,
                               @Variable("receiverStatus") Integer receiverStatus,
                               @Variable("retryAfter") String retryAfter, @Variable("answer") String answer,
                               @Variable("error") String error, @Variable("lastStatus") Integer lastStatus,
                               @Variable("lastError") String lastError) {
        int sent = posts - 1;
        if (sent > 0) {
            return decide(attemptsBefore, sent, receiverStatus, retryAfter, answer, error);
        }
        return new Outcome("QUEUED", 0, lastStatus, lastError, now(), null, "given_back");
    }

    /** No token could be had: nothing was sent, the message waits until the token provider may try again. */
    public Outcome tokenUnavailable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) TokenUnavailableException e) {
        return new Outcome("QUEUED", 0, null, lastError(e.getMessage()), e.retryAt(), null, "waiting");
    }

    /** Anything else went wrong (a bug, a misconfigured receiver URL): retried later, counted as an attempt. */
    public Outcome unexpected(@Variable("attempts") int attemptsBefore,
                              @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        return decide(attemptsBefore, 1, 0, null, null, e.getClass().getName());
    }

    /** One row of oneio-record-outcomes' batch UPDATE: the outcome's columns, this message's id and lease owner. */
    public Map<String, Object> outcomeRow(@Variable("id") String id, @Variable("owner") String owner,
                                          @Variable("outcome") Outcome outcome) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("owner", owner);
        row.put("status", outcome.status());
        row.put("posts", outcome.posts());
        row.put("lastStatus", outcome.lastStatus());
        row.put("lastError", outcome.lastError());
        row.put("nextAttemptAt", outcome.nextAttemptAt());
        row.put("deliveredAt", outcome.deliveredAt());
        return row;
    }

    /** From the 202 to now: the delivery latency a sender sees. */
    public long millisSinceAccepted(@Variable("createdAt") Object createdAt) {
        return Duration.between(SqlTimes.instant(createdAt), Instant.now()).toMillis();
    }

    /** Exponential backoff with full jitter over the upper half, so that retries of many messages spread out. */
    long backoffMillis(int attempts) {
        long ceiling = backoff.ceilingMillis(attempts);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    static long retryAfterMillis(String retryAfter, OffsetDateTime now) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return 0;
        }
        String value = retryAfter.strip();
        if (value.chars().allMatch(Character::isDigit) && value.length() <= 9) {
            return Long.parseLong(value) * 1000;
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, Duration.between(now, at).toMillis());
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** The first 1 KiB of a receiver's answer or an error, as stored in last_error. */
    private static String lastError(String text) {
        return ColumnText.fit(text, MAX_ERROR_LENGTH);
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
