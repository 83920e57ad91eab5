package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ingest and delivery to ONEiO, through HTTP, with WireMock as the token endpoint and the receiver. */
class OneioDeliveryTest {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);

    private static TestDatabase database;
    private static FakeOneio oneio;
    private RunningBridge bridge;

    @BeforeAll
    static void startOneio() {
        database = TestDatabase.create();
        oneio = new FakeOneio();
    }

    @AfterAll
    static void stopOneio() {
        oneio.close();
    }

    @BeforeEach
    void clean() {
        database.clear("oneio_outbox");
        oneio.reset();
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    static Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.put("oneio.delivery.poll-ms", "50");
        properties.put("oneio.delivery.concurrency", "8");
        properties.put("oneio.delivery.initial-backoff-ms", "200");
        properties.put("oneio.delivery.max-backoff-ms", "1000");
        properties.put("oneflow.timeout-ms", "2000");
        properties.putAll(extra);
        return properties;
    }

    private RunningBridge start(Map<String, String> extra) {
        bridge = RunningBridge.start(properties(extra));
        return bridge;
    }


    private String ingest(String payload) throws Exception {
        HttpResponse<String> response = bridge.postJson("/oneio/messages", payload);
        assertEquals(202, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("queued", body.get("status").asText());
        return body.get("id").asText();
    }

    private JsonNode status(String id) throws Exception {
        HttpResponse<String> response = bridge.get("/oneio/messages/" + id);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private void awaitStatus(String id, String expected) {
        Await.until("message " + id + " " + expected, DELIVERY_TIMEOUT, () -> {
            try {
                return expected.equals(status(id).get("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private long rows(String status) {
        return database.rows("SELECT id FROM oneio_outbox WHERE status = '" + status + "'").size();
    }

    @Test
    void accepted_message_is_stored_and_delivered_unchanged_with_a_bearer_token() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());
        String payload = "{\"id\": \"123456789\", \"text\": \"h\\u00e9llo\", \"nested\": [1, 2.50, {\"a\": null}]}";

        String id = ingest(payload);

        assertEquals(1, database.rows("SELECT id FROM oneio_outbox WHERE id = '" + id + "'").size());
        awaitStatus(id, "delivered");
        JsonNode status = status(id);
        assertEquals(1, status.get("attempts").asInt());
        assertEquals(200, status.get("last_status").asInt());
        assertNotNull(status.get("delivered_at").asText(null));
        assertNotNull(status.get("created_at").asText(null));
        List<LoggedRequest> received = oneio.receiverRequests();
        assertEquals(1, received.size());
        assertEquals(payload, received.get(0).getBodyAsString());
        assertEquals("Bearer token-A", received.get(0).getHeader("Authorization"));
        assertTrue(received.get(0).getHeader("Content-Type").startsWith("application/json"));
        LoggedRequest tokenRequest = oneio.tokenRequests().get(0);
        assertTrue(tokenRequest.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
    }

    @Test
    void an_array_is_accepted_too() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(201));
        start(Map.of());

        String id = ingest("[{\"a\":1},{\"b\":2}]");

        awaitStatus(id, "delivered");
        assertEquals("[{\"a\":1},{\"b\":2}]", oneio.receiverRequests().get(0).getBodyAsString());
    }

    @Test
    void hundred_messages_cause_exactly_one_token_request() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());

        for (int i = 0; i < 100; i++) {
            ingest("{\"n\":" + i + "}");
        }

        Await.until("100 delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 100);
        assertEquals(1, oneio.tokenRequests().size());
        assertEquals(100, oneio.receiverRequests().size());
    }

    @Test
    void eight_concurrent_deliveries_on_a_cold_cache_make_one_token_request() throws Exception {
        oneio.issuesTokens(3599, 500, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());
        // One statement: a poll claims all 8 or none, so the 8 deliveries meet the cold cache together.
        database.update(insertOutboxRows(0, 8, "QUEUED", 0));

        Await.until("8 delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 8);

        assertEquals(1, oneio.tokenRequests().size());
    }

    /**
     * {@code oneio.delivery.concurrency} POSTs are in flight as long as messages wait, no more and no fewer. Each answer
     * takes 400 ms, so 24 messages at 3 at a time reach the receiver in 8 waves of 3 arrivals. Before the delivery
     * threads had a queue in front of them (maxQueueSize in application.properties), they came in 9 waves, some of 2:
     * a thread that could not hand its next task over ran it itself, and the others idled meanwhile.
     */
    @Test
    void as_many_posts_are_in_flight_as_the_delivery_concurrency() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200).withFixedDelay(400));
        start(Map.of("oneio.delivery.concurrency", "3", "oneio.delivery.batch-size", "6"));
        database.update(insertOutboxRows(0, 24, "QUEUED", 0));

        Await.until("24 delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 24);

        List<Long> arrivals = oneio.receiverRequests().stream().map(request -> request.getLoggedDate().getTime())
                .sorted().toList();
        // A wave: arrivals less than 200 ms after the one before (an answer takes 400 ms).
        List<Integer> waves = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            if (i == 0 || arrivals.get(i) - arrivals.get(i - 1) >= 200) {
                waves.add(0);
            }
            waves.set(waves.size() - 1, waves.get(waves.size() - 1) + 1);
        }
        assertEquals(List.of(3, 3, 3, 3, 3, 3, 3, 3), waves, "arrivals (ms since the epoch): " + arrivals);
    }

    /**
     * Rows of one status, last touched (due, delivered or failed) the given number of minutes ago, with ids numbered
     * per group; queued ones not attempted yet, the others after one attempt.
     */
    private static String insertOutboxRows(int group, int count, String status, int minutesAgo) {
        StringBuilder sql = new StringBuilder("INSERT INTO oneio_outbox (id, payload, status, attempts, next_attempt_at,"
                + " created_at, delivered_at) VALUES ");
        String touched = "CURRENT_TIMESTAMP - INTERVAL '" + minutesAgo + "' MINUTE";
        int attempts = "QUEUED".equals(status) ? 0 : 1;
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ", ").append("('").append(outboxId(group, i)).append("', '{\"n\":").append(i)
                    .append("}', '").append(status).append("', ").append(attempts).append(", ").append(touched)
                    .append(", ").append(touched).append(", ").append("DELIVERED".equals(status) ? touched : "NULL")
                    .append(")");
        }
        return sql.toString();
    }

    private static String outboxId(int group, int n) {
        return String.format("00000000-0000-0000-%04x-%012x", group, n);
    }

    @Test
    void delivered_messages_are_deleted_once_kept_long_enough_and_every_other_message_stays() throws Exception {
        // The first cleanup runs one poll (5 s) after the start; the rows are in place long before. A greedy cleanup
        // deletes all 2,500 old ones in that first poll (seven DELETEs of at most 400), one DELETE per poll would
        // need seven polls (35 s).
        start(Map.of("oneio.outbox.keep-delivered-seconds", "3600", "oneio.outbox.cleanup-poll-ms", "5000",
                "oneio.outbox.cleanup-batch-size", "400"));
        long started = System.nanoTime();
        database.update(insertOutboxRows(10, 1, "DELIVERED", 10));
        database.update(insertOutboxRows(11, 1, "FAILED", 120));
        for (int part = 0; part < 5; part++) {
            database.update(insertOutboxRows(part + 1, 500, "DELIVERED", 120));
        }

        Await.until("old delivered messages deleted", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 1);

        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertTrue(seconds < 10, "deleted in one cleanup poll, not " + seconds + " s after the start");
        assertEquals(404, bridge.get("/oneio/messages/" + outboxId(1, 0)).statusCode());
        assertEquals(404, bridge.get("/oneio/messages/" + outboxId(5, 499)).statusCode());
        assertEquals("delivered", status(outboxId(10, 0)).get("status").asText());
        assertEquals("failed", status(outboxId(11, 0)).get("status").asText());
        assertEquals(1, rows("FAILED"));
        String metrics = bridge.send(HttpRequest.newBuilder(bridge.managementUri("/observe/metrics")).GET()).body();
        assertTrue(Pattern.compile("(?m)^bridge_oneio_outbox_deleted_total(\\{[^}]*})? 2500\\.0$").matcher(metrics).find(),
                metrics);
    }

    @Test
    void a_short_lived_token_is_renewed_before_it_expires() throws Exception {
        oneio.issuesTokens(3, 0, "token-A", "token-B");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        oneio.receiverAnswers("token-B", aResponse().withStatus(200));
        start(Map.of("oneio.token.refresh-margin-seconds", "2"));

        awaitStatus(ingest("{\"n\":1}"), "delivered");
        Await.until("a delivery with the renewed token", DELIVERY_TIMEOUT, () -> {
            try {
                awaitStatus(ingest("{\"n\":2}"), "delivered");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return oneio.receiverRequests().stream().anyMatch(r -> "Bearer token-B".equals(r.getHeader("Authorization")));
        });

        long firstTokenAt = oneio.tokenRequests().stream().mapToLong(r -> r.getLoggedDate().getTime()).min().orElseThrow();
        for (LoggedRequest request : oneio.receiverRequests()) {
            if ("Bearer token-A".equals(request.getHeader("Authorization"))) {
                assertTrue(request.getLoggedDate().getTime() < firstTokenAt + 3000, "token-A used after it expired");
            }
        }
        assertEquals(2, oneio.tokenRequests().size());
    }

    @Test
    void a_revoked_token_causes_one_new_token_request_and_the_message_is_delivered() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A", "token-B");
        oneio.receiverAnswers("token-A", aResponse().withStatus(401).withBody("{\"error\":\"invalid_token\"}"));
        oneio.receiverAnswers("token-B", aResponse().withStatus(200));
        start(Map.of());

        String id = ingest("{\"n\":1}");

        awaitStatus(id, "delivered");
        assertEquals(2, oneio.tokenRequests().size());
        assertEquals(2, oneio.receiverRequests().size());
        assertEquals(2, status(id).get("attempts").asInt());
    }

    @Test
    void receiver_503_three_times_then_200_is_delivered_on_the_fourth_attempt() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswersInTurn("token-A", 503, 503, 503, 200);
        start(Map.of());

        String id = ingest("{\"n\":1}");

        awaitStatus(id, "delivered");
        JsonNode status = status(id);
        assertEquals(4, status.get("attempts").asInt());
        assertEquals(200, status.get("last_status").asInt());
        assertEquals(4, oneio.receiverRequests().size());
        assertEquals(1, oneio.tokenRequests().size());
    }

    @Test
    void a_400_is_failed_at_once_and_not_retried() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(400).withBody("bad payload: " + "x".repeat(2000)));
        start(Map.of());

        String id = ingest("{\"n\":1}");

        awaitStatus(id, "failed");
        JsonNode status = status(id);
        assertEquals(1, status.get("attempts").asInt());
        assertEquals(400, status.get("last_status").asInt());
        assertTrue(status.get("last_error").asText().startsWith("bad payload: "));
        assertEquals(1024, status.get("last_error").asText().length());
        // a later poll must not pick it up again
        String other = ingest("{\"n\":2}");
        awaitStatus(other, "failed");
        assertEquals(2, oneio.receiverRequests().size());
    }

    /** A token that lives no longer than the refresh margin is still used for half its life, not renewed at once. */
    @Test
    void a_token_shorter_lived_than_the_refresh_margin_serves_many_deliveries() throws Exception {
        oneio.issuesTokens(30, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());

        for (int i = 0; i < 20; i++) {
            ingest("{\"n\":" + i + "}");
        }

        Await.until("20 delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 20);
        assertEquals(1, oneio.tokenRequests().size());
    }

    /** PostgreSQL's text refuses U+0000: the answer is kept with U+FFFD in its place, and the outcome recorded. */
    @Test
    void an_answer_with_a_nul_character_is_recorded() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(400).withBody("bad\u0000payload"));
        start(Map.of());

        String id = ingest("{\"n\":1}");

        awaitStatus(id, "failed");
        assertEquals("bad\uFFFDpayload", status(id).get("last_error").asText());
    }

    @Test
    void too_many_attempts_end_in_failed() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(500));
        start(Map.of("oneio.delivery.max-attempts", "3", "oneio.delivery.initial-backoff-ms", "50"));

        String id = ingest("{\"n\":1}");

        awaitStatus(id, "failed");
        assertEquals(3, status(id).get("attempts").asInt());
        assertEquals(3, oneio.receiverRequests().size());
    }

    @Test
    void a_failed_message_can_be_queued_again() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswersInTurn("token-A", 422, 200);
        start(Map.of());
        String id = ingest("{\"n\":1}");
        awaitStatus(id, "failed");

        HttpResponse<String> retry = bridge.postJson("/oneio/messages/" + id + "/retry", "");

        assertEquals(202, retry.statusCode(), retry.body());
        assertEquals(id, json(retry).get("id").asText());
        awaitStatus(id, "delivered");
        HttpResponse<String> again = bridge.postJson("/oneio/messages/" + id + "/retry", "");
        assertEquals(409, again.statusCode());
        assertEquals(404, bridge.postJson("/oneio/messages/no-such-id/retry", "").statusCode());
    }

    /**
     * A database that times out a statement or a lock wait (another instance's long transaction, say) is a transient
     * failure: the sender gets 503 and may send again, and nothing is stored or changed meanwhile. PostgreSQL only:
     * its statement_timeout and lock_timeout are per connection, set here through the JDBC URL.
     */
    @ParameterizedTest
    @ValueSource(strings = {"statement_timeout", "lock_timeout"})
    void a_database_timeout_answers_503_and_changes_nothing(String timeout) throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "H2 has no per-connection statement or lock timeout to set here");
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswersInTurn("token-A", 422, 200);
        start(Map.of("db.url", urlWithTimeout(timeout, 1000)));
        String id = ingest("{\"n\":1}");
        awaitStatus(id, "failed");

        HttpResponse<String> retry;
        HttpResponse<String> message;
        try (Connection otherInstance = DriverManager.getConnection(database.url(), database.user(), database.password());
             Statement statement = otherInstance.createStatement()) {
            otherInstance.setAutoCommit(false);
            statement.execute("LOCK TABLE oneio_outbox IN SHARE MODE");
            retry = bridge.postJson("/oneio/messages/" + id + "/retry", "");
            message = bridge.postJson("/oneio/messages", "{\"n\":2}");
            otherInstance.rollback();
        }

        for (HttpResponse<String> answer : List.of(retry, message)) {
            assertEquals(503, answer.statusCode(), answer.body());
            assertEquals("database_unavailable", json(answer).get("error").asText());
        }
        assertEquals(1, database.count("oneio_outbox"));
        assertEquals("failed", status(id).get("status").asText());
        assertEquals(202, bridge.postJson("/oneio/messages/" + id + "/retry", "").statusCode());
        awaitStatus(id, "delivered");
    }

    /**
     * An outcome the database will not record (a PostgreSQL lock_timeout while another connection locks the outbox)
     * is logged once, as the batch poll's WARN, not also as an ERROR with a stack trace; the message stays claimed and
     * is delivered again once its lease runs out (delivery is at least once).
     */
    @Test
    void an_outcome_the_database_cannot_record_is_a_warning_and_the_message_is_delivered_again() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "H2 has no per-connection lock timeout to set here");
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200).withFixedDelay(500));
        try (CapturedLogs logs = CapturedLogs.attach()) {
            start(Map.of("db.url", urlWithTimeout("lock_timeout", 500), "oneflow.timeout-ms", "1000",
                    "oneio.delivery.lease-seconds", "4"));
            String id = ingest("{\"n\":1}");
            Await.until("the first POST", DELIVERY_TIMEOUT, () -> oneio.receiverRequests().size() == 1);
            try (Connection otherInstance = DriverManager.getConnection(database.url(), database.user(), database.password());
                 Statement statement = otherInstance.createStatement()) {
                otherInstance.setAutoCommit(false);
                statement.execute("LOCK TABLE oneio_outbox IN SHARE MODE");
                Await.until("the outcome refused", DELIVERY_TIMEOUT, () -> logs.lines().stream()
                        .anyMatch(line -> line.startsWith("oneio-deliver-batch poll failed")));
                otherInstance.rollback();
            }
            awaitStatus(id, "delivered");

            assertEquals(2, oneio.receiverRequests().size(), "delivered again after the lease");
            assertEquals(List.of(), logs.errors());
        }
    }

    /** The test database's URL with a PostgreSQL timeout (statement_timeout, lock_timeout) for each connection. */
    private String urlWithTimeout(String timeout, int millis) {
        return database.url() + (database.url().contains("?") ? "&" : "?") + "options=-c%20" + timeout + "%3D" + millis;
    }

    @Test
    void token_endpoint_refusing_leaves_messages_queued_and_is_not_hammered() throws Exception {
        oneio.tokenEndpointAnswers(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\"}"));
        start(Map.of("oneio.delivery.initial-backoff-ms", "500", "oneio.delivery.max-backoff-ms", "5000"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(ingest("{\"n\":" + i + "}"));
        }

        Await.until("three token requests", Duration.ofSeconds(15), () -> oneio.tokenRequests().size() >= 3);

        // backoff 500, 1000, 2000 ms: the first 3 requests take at least 1.5 s, whatever the number of messages
        List<Long> times = oneio.tokenRequests().stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertTrue(times.get(2) - times.get(0) >= 1400, "token requests too close: " + times);
        assertEquals(0, oneio.receiverRequests().size());
        // "delivering" shows for a moment while a poll holds the claim and finds no token
        for (String id : ids) {
            JsonNode status = status(id);
            assertTrue(Set.of("queued", "delivering").contains(status.get("status").asText()), status.toString());
            assertEquals(0, status.get("attempts").asInt());
        }
        assertEquals(0, rows("DELIVERED") + rows("FAILED"));
    }

    /** The backoff counts from a failed token request's end: a slow endpoint does not shorten it. */
    @Test
    void a_slow_failing_token_endpoint_is_asked_again_only_a_backoff_after_its_answer() throws Exception {
        oneio.tokenEndpointAnswers(aResponse().withStatus(503).withFixedDelay(1500));
        start(Map.of("oneio.delivery.initial-backoff-ms", "500", "oneio.delivery.max-backoff-ms", "5000"));
        ingest("{\"n\":1}");

        Await.until("three token requests", Duration.ofSeconds(20), () -> oneio.tokenRequests().size() >= 3);

        // each answer takes 1.5 s, then backoff 500 and 1000 ms
        List<Long> times = oneio.tokenRequests().stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertTrue(times.get(1) - times.get(0) >= 1950 && times.get(2) - times.get(1) >= 2450,
                "token requests too close: " + times);
    }

    @Test
    void a_repeated_idempotency_key_returns_the_first_id_and_stores_nothing_new() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":42}"));

        HttpResponse<String> first = bridge.send(request);
        HttpResponse<String> second = bridge.send(request);

        assertEquals(202, first.statusCode());
        assertEquals(202, second.statusCode());
        assertEquals(json(first).get("id").asText(), json(second).get("id").asText());
        assertEquals("true", second.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(1, database.count("oneio_outbox"));
    }

    /** Keys hold per sender: two senders may use the same key for different messages. */
    @Test
    void the_same_idempotency_key_from_two_senders_stores_both_messages() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of("security.api-keys", "shop:shop-key-0123456789,crm:crm-key-01234567890"));

        HttpResponse<String> shop = bridge.send(keyed("shop-key-0123456789", "{\"from\":\"shop\"}"));
        HttpResponse<String> crm = bridge.send(keyed("crm-key-01234567890", "{\"from\":\"crm\"}"));
        HttpResponse<String> shopAgain = bridge.send(keyed("shop-key-0123456789", "{\"from\":\"shop\"}"));

        assertEquals(202, shop.statusCode(), shop.body());
        assertEquals(202, crm.statusCode(), crm.body());
        assertNotEquals(json(shop).get("id").asText(), json(crm).get("id").asText());
        assertEquals(json(shop).get("id").asText(), json(shopAgain).get("id").asText());
        Await.until("both delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 2);
        assertEquals(Set.of("{\"from\":\"shop\"}", "{\"from\":\"crm\"}"), oneio.receiverRequests().stream()
                .map(LoggedRequest::getBodyAsString).collect(Collectors.toSet()));
    }

    private HttpRequest.Builder keyed(String apiKey, String payload) {
        return HttpRequest.newBuilder(bridge.uri("/oneio/messages")).header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey).header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
    }

    /** Waits for each answer, expects 202, and returns the distinct message ids answered. */
    private static Set<String> acceptedIds(List<CompletableFuture<HttpResponse<String>>> answers) throws Exception {
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> future : answers) {
            HttpResponse<String> response = future.join();
            assertEquals(202, response.statusCode(), response.body());
            ids.add(json(response).get("id").asText());
        }
        return ids;
    }

    @Test
    void concurrent_repeats_of_an_idempotency_key_store_one_message() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());

        List<CompletableFuture<HttpResponse<String>>> futures = IntStream.range(0, 30)
                .mapToObj(i -> RunningBridge.client().sendAsync(HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                        .header("Content-Type", "application/json").header("Idempotency-Key", "burst-1")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        Set<String> ids = acceptedIds(futures);
        assertEquals(1, ids.size());
        assertEquals(1, database.count("oneio_outbox"));
        Await.until("delivered once", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 1);
        assertEquals(1, oneio.receiverRequests().size());
    }

    @Test
    void repeats_of_a_key_among_other_messages_arriving_together_store_each_message_once() throws Exception {
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        start(Map.of());

        // Arriving together, they share group commits: a batch holding a repeated key is redone row by row.
        List<CompletableFuture<HttpResponse<String>>> repeats = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"));
            if (i % 2 == 0) {
                repeats.add(RunningBridge.client().sendAsync(request.header("Idempotency-Key", "mixed-1").build(),
                        HttpResponse.BodyHandlers.ofString()));
            } else {
                others.add(RunningBridge.client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
            }
        }

        Set<String> repeatIds = acceptedIds(repeats);
        Set<String> otherIds = acceptedIds(others);
        assertEquals(1, repeatIds.size());
        assertEquals(20, otherIds.size());
        assertEquals(21, database.count("oneio_outbox"));
        Await.until("21 delivered", DELIVERY_TIMEOUT, () -> rows("DELIVERED") == 21);
        assertEquals(21, oneio.receiverRequests().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json            | application/json  | `{\"a\":`            | 400 | invalid_json",
        "a bare string       | application/json  | `\"text\"`           | 400 | invalid_request",
        "a number            | application/json  | `42`                 | 400 | invalid_request",
        "trailing garbage    | application/json  | `{\"a\":1} {}`       | 400 | invalid_json",
        "empty               | application/json  | ``                   | 400 | invalid_json",
        "text/plain          | text/plain        | `{\"a\":1}`          | 415 | unsupported_media_type",
        "form                | application/x-www-form-urlencoded | `a=1` | 415 | unsupported_media_type",
    })
    void bad_messages_are_refused_with_a_json_error_and_nothing_stored(String name, String contentType, String body,
                                                                        int status, String error) throws Exception {
        start(Map.of());

        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)));

        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response).get("error").asText());
        assertEquals(0, database.count("oneio_outbox"));
    }

    @Test
    void invalid_utf8_oversized_bodies_and_wrong_methods_are_refused() throws Exception {
        start(Map.of("oneio.ingest.max-body-bytes", "1000"));

        HttpResponse<String> invalidUtf8 = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'})));
        HttpResponse<String> tooLarge = bridge.postJson("/oneio/messages", "{\"a\":\"" + "x".repeat(2000) + "\"}");
        HttpResponse<String> wrongMethod = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneio/messages")).DELETE());
        HttpResponse<String> unknown = bridge.get("/oneio/messages/00000000-0000-0000-0000-000000000000");

        assertEquals(400, invalidUtf8.statusCode());
        assertEquals(413, tooLarge.statusCode());
        assertEquals("payload_too_large", json(tooLarge).get("error").asText());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", json(unknown).get("error").asText());
        assertEquals(0, database.count("oneio_outbox"));
    }

    @Test
    void no_secret_or_access_token_in_logs_or_answers() throws Exception {
        oneio.issuesTokens(3599, 0, "access-token-AAAA", "access-token-BBBB");
        oneio.receiverAnswers("access-token-AAAA", aResponse().withStatus(401));
        oneio.receiverAnswers("access-token-BBBB", aResponse().withStatus(200));
        List<HttpResponse<String>> answers = new ArrayList<>();
        try (CapturedLogs logs = CapturedLogs.attach()) {
            start(Map.of());
            String id = ingest("{\"n\":1}");
            awaitStatus(id, "delivered");
            answers.add(bridge.get("/oneio/messages/" + id));
            answers.add(bridge.postJson("/oneio/messages", "{bad"));

            for (String line : logs.lines()) {
                for (String secret : List.of(FakeOneio.CLIENT_SECRET, "access-token-AAAA", "access-token-BBBB")) {
                    assertFalse(line.contains(secret), "secret in log line: " + line);
                }
            }
        }
        for (HttpResponse<String> answer : answers) {
            String all = answer.headers().map() + answer.body();
            assertFalse(all.contains("access-token-") || all.contains(FakeOneio.CLIENT_SECRET), all);
        }
    }
}
